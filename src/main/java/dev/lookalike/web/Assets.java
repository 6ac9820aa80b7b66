package dev.lookalike.web;

import dev.lookalike.catalog.ImageInfo;
import io.quarkus.qute.TemplateGlobal;
import io.quarkus.vertx.http.runtime.filters.Filters;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The gallery's own script and style sheet under versioned addresses ({@code /lookalike.css?v=HASH}, the
 * hash of the file's bytes): a browser may keep such an address for a year ({@code immutable}), since an
 * upgrade that changes the file changes its address too. Unversioned addresses keep Quarkus' short cache.
 */
@Singleton
public class Assets {

    /** The style sheet's address, with the version of the file this build serves. */
    @TemplateGlobal(name = "cssUrl")
    static final String CSS = "/lookalike.css?v=" + version("lookalike.css");

    /** The script's address, with the version of the file this build serves. */
    @TemplateGlobal(name = "jsUrl")
    static final String JS = "/lookalike.js?v=" + version("lookalike.js");

    /** The icon's address, with the version of the file this build serves. */
    @TemplateGlobal(name = "iconUrl")
    static final String ICON = "/favicon.svg?v=" + version("favicon.svg");

    /** The first 12 hex digits of the SHA-256 of a static file's bytes. */
    static String version(String file) {
        try (InputStream in = Thread.currentThread().getContextClassLoader()
                .getResourceAsStream("META-INF/resources/" + file)) {
            if (in == null) {
                throw new IllegalStateException("no static file " + file + " on the class path");
            }
            return ImageInfo.idOf(in.readAllBytes()).substring(0, 12);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The static files whose addresses carry a version. */
    private static final java.util.Set<String> VERSIONED = java.util.Set.of(CSS, JS, ICON);

    /**
     * Vert.x's static handler marks every file {@code immutable} for a day; that is only safe for an address
     * naming this build's version. Any other address of these files (an old version, none) must be checked
     * again each time ({@code no-cache}: the ETag makes that cheap).
     */
    void cacheHeaders(@Observes Filters filters) {
        filters.register(ctx -> {
            String path = ctx.request().path();
            if (path.equals("/lookalike.css") || path.equals("/lookalike.js") || path.equals("/favicon.svg")) {
                String v = ctx.request().getParam("v");
                String cache = v != null && VERSIONED.contains(path + "?v=" + v) ? ImageResource.CACHE : "no-cache";
                ctx.addHeadersEndHandler(none -> ctx.response().headers().set("Cache-Control", cache));
            }
            ctx.next();
        }, 10);
    }
}
