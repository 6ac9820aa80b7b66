package dev.lookalike.web;

import dev.lookalike.catalog.Product;
import dev.lookalike.catalog.StyleCluster;
import dev.lookalike.explore.ClusterUpdate;
import dev.lookalike.explore.StyleMap;
import dev.lookalike.search.LiveSearch;
import dev.lookalike.search.Match;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Browse by style as JSON: the clusters of the catalogue, one cluster's products, and the 2D map. */
@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "styles")
@APIResponse(responseCode = "400", description = "A parameter is wrong",
        content = @Content(schema = @Schema(implementation = ApiError.class)))
@APIResponse(responseCode = "503", description = "The model and vectors are still loading",
        content = @Content(schema = @Schema(implementation = ApiError.class)))
public class StyleApiResource {

    static final String NOT_CLUSTERED = "the catalogue has no styles yet: run lookalike cluster";

    private final Serving serving;
    private final Styles styles;
    private final ServeConfig.Web web;

    @Inject
    StyleApiResource(Serving serving, Styles styles, ServeConfig config) {
        this.serving = serving;
        this.styles = styles;
        this.web = config.web();
    }

    @GET
    @Path("/clusters")
    @Operation(summary = "The styles of the catalogue: groups of products that look alike, largest first",
            description = "Each style has a label from the model's text tower (\"gold · curved\"), its size, where its "
                    + "label goes on the map, photos of its most typical products and the gallery page of its "
                    + "products. Made by lookalike cluster; empty, with a message, before it has run. unclustered counts the "
                    + "products embedded since, which no style holds yet; incremental those that joined the nearest "
                    + "style after it was made (embed places them).")
    @APIResponse(responseCode = "200", description = "The styles")
    public ApiStyles.Clusters clusters() {
        LiveSearch live = serving.ready();
        StyleMap map = styles.of(live);
        List<ApiStyles.Cluster> out = map.clusters().stream()
                .map(c -> ApiStyles.Cluster.of(c, map, live.index())).toList();
        int k = map.isEmpty() ? 0 : map.clusters().get(0).k();
        int unclustered = (int) live.index().productsWithPhotos().stream()
                .filter(p -> map.clusterOf(p.id()).isEmpty()).count();
        int incremental = map.incremental();
        String message = map.isEmpty() ? NOT_CLUSTERED : unclustered > 0 ? unclustered + " products were embedded "
                + "after the styles were made: run lookalike cluster again to place them (or lookalike cluster "
                + "--incremental)" : incremental > ClusterUpdate.STALE_SHARE * map.size() ? incremental + " of "
                + map.size() + " products joined their style after it was made: run lookalike cluster again" : null;
        return new ApiStyles.Clusters(live.modelName(), k, out, unclustered, incremental, message);
    }

    @GET
    @Path("/clusters/{id}")
    @Operation(summary = "One style and a page of its products, the most typical first",
            description = "score is the product's cosine with the style's centroid.")
    @APIResponse(responseCode = "200", description = "The style and its products")
    @APIResponse(responseCode = "404", description = "No such style (the catalogue may have been clustered again)",
            content = @Content(schema = @Schema(implementation = ApiError.class)))
    public ApiStyles.ClusterPage cluster(@RestPath String id,
                                         @RestQuery @Parameter(description = "Products per page (default 20)") String limit,
                                         @RestQuery @Parameter(description = "Products to skip") String offset) {
        int n = Params.count("limit", limit, Math.min(20, web.maxPageSize()), 1, web.maxPageSize());
        int skip = Params.count("offset", offset, 0, 0, 100_000);
        LiveSearch live = serving.ready();
        StyleMap map = styles.of(live);
        StyleCluster c = clusterId(id).flatMap(map::cluster).orElseThrow(() -> new WebProblem(404,
                "no style " + id + (map.isEmpty() ? ": " + NOT_CLUSTERED : "; see /api/clusters")));
        List<ApiResult> results = new ArrayList<>();
        for (StyleMap.Member m : map.members(c.id(), n, skip)) {
            live.index().product(m.productId()).ifPresent(p -> results.add(ApiResult.of(match(live, p,
                    1 - m.distance()))));
        }
        boolean more = skip + n < map.liveSize(c.id());
        return new ApiStyles.ClusterPage(ApiStyles.Cluster.of(c, map, live.index()), results, n, skip,
                more ? "/api/clusters/" + c.id() + "?limit=" + n + "&offset=" + (skip + n) : null);
    }

    @GET
    @Path("/map")
    @Operation(summary = "Every clustered product's place on the 2D map, in parallel arrays",
            description = "ids[i] sits at (x[i], y[i]) in cluster[i]; coordinates are the first two principal "
                    + "components of the product vectors, scaled into [-1, 1]. clusters says where each label goes.")
    @APIResponse(responseCode = "200", description = "The map")
    public ApiStyles.Map map() {
        LiveSearch live = serving.ready();
        StyleMap map = styles.of(live);
        List<ApiStyles.Label> labels = map.clusters().stream().map(c -> new ApiStyles.Label(c.id(), c.label(),
                map.liveSize(c.id()), ApiStyles.round(c.x()), ApiStyles.round(c.y()))).toList();
        return new ApiStyles.Map(live.modelName(), map.size(), Arrays.asList(map.ids()), ApiStyles.round(map.xs()),
                ApiStyles.round(map.ys()), map.clusterIds(), labels);
    }

    static Match match(LiveSearch live, Product p, double score) {
        return new Match(p, live.index().imageOf(p.id()).orElse(null), (float) score, null);
    }

    /** The id as a number, or empty when it is not one (then no style has it). */
    static java.util.Optional<Long> clusterId(String id) {
        try {
            return id == null ? java.util.Optional.empty() : java.util.Optional.of(Long.parseLong(id.strip()));
        } catch (NumberFormatException e) {
            return java.util.Optional.empty();
        }
    }
}
