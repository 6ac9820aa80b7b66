package dev.lookalike.web;

import dev.lookalike.search.ScanSettings;
import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithName;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** What the server serves and how; every key is documented in application.properties. */
@ConfigMapping(prefix = "lookalike")
public interface ServeConfig {

    /**
     * Serve the catalogue without ever writing to it (a baked catalogue on a read-only disk). A file
     * or folder that is not writable is served read-only whatever this says.
     */
    @WithName("read-only")
    boolean readOnly();

    Web web();

    Search search();

    /**
     * Where the look scores come from: {@code memory} (the catalogue's vectors loaded into this process) or
     * {@code solr} (a SolrCloud collection {@code lookalike solr push} filled; see {@link #solr()}).
     */
    @WithName("index")
    IndexKind index();

    Solr solr();

    /** The two places the vectors can be searched in. */
    enum IndexKind { MEMORY, SOLR }

    /** The SolrCloud collection {@code lookalike.index=solr} serves from. */
    interface Solr {
        /**
         * Solr's base URLs ({@code http://host:8983/solr}), any node of the cluster; a request that cannot
         * reach one tries the next.
         */
        Optional<List<String>> url();

        /** The collection the catalogue was pushed to. */
        Optional<String> collection();

        /** How long one request to Solr may take. */
        Duration timeout();
    }

    /** The HTTP side. */
    interface Web {
        /** The address the HTTP server listens on (quarkus.http.host follows it unless set itself). */
        String host();

        /** Load the catalogue and model as soon as the application starts (off for non-server commands). */
        @WithName("load-on-start")
        boolean loadOnStart();

        /** How often the catalogue is checked for new vectors and products. */
        @WithName("reload-interval")
        Duration reloadInterval();

        /** Results per page when the request does not say. */
        @WithName("page-size")
        int pageSize();

        /** The largest page a request may ask for. */
        @WithName("max-page-size")
        int maxPageSize();

        /** The largest photo accepted for search by photo (uploaded or fetched). */
        @WithName("max-photo-size")
        MemorySize maxPhotoSize();

        /** How many searched photos' vectors the gallery keeps, so their result pages stay shareable. */
        @WithName("photo-cache")
        int photoCache();

        Fetch fetch();
    }

    /** Fetching a photo from a URL a shopper pasted. */
    interface Fetch {
        @WithName("connect-timeout")
        Duration connectTimeout();

        /** The whole fetch, redirects and body included. */
        Duration timeout();

        @WithName("max-redirects")
        int maxRedirects();

        /** Allow private, loopback and link-local addresses (never on a public server). */
        @WithName("allow-private")
        boolean allowPrivate();

        /** Host names that may be fetched even though they resolve to private addresses. */
        @WithName("allowed-hosts")
        Optional<List<String>> allowedHosts();
    }

    /** Ranking; see SearchService.Settings. */
    interface Search {
        @WithName("negative-weight")
        double negativeWeight();

        @WithName("like-text-weight")
        double likeTextWeight();

        @WithName("relative-floor")
        double relativeFloor();

        @WithName("text-cache")
        int textCache();

        @WithName("result-cache")
        int resultCache();

        /** Entries of each product's precomputed lookalike list; 0 turns the lists off. */
        int lookalikes();

        /** Catalogues with more photos than this get no lookalike lists. */
        @WithName("lookalikes-max-photos")
        int lookalikesMaxPhotos();

        /** How long a reloaded catalogue must stay unchanged before its lists are worked out. */
        @WithName("lookalikes-after-reload")
        Duration lookalikesAfterReload();

        /** How a look query finds its best products: exact, or auto (the binary first pass from scan-threshold on). */
        ScanSettings.Pass scan();

        /** Photos from which scan=auto takes the binary first pass. */
        @WithName("scan-threshold")
        int scanThreshold();

        /** Products the binary first pass keeps for exact scoring. */
        @WithName("scan-candidates")
        int scanCandidates();

        /** With the first pass on and the vectors in the derived file, keep the int8 copy on the heap too. */
        @WithName("scan-int8-copy")
        boolean scanInt8Copy();
    }
}
