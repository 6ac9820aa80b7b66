package dev.lookalike.web;

import io.vertx.ext.web.Router;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * Addresses nothing answers: the gallery's own styled 404 page (with the search box) instead of the
 * router's bare "Resource not found"; JSON under {@code /api/} and {@code /images/}, as every API error.
 */
@Singleton
public class UnknownRoutes {

    void notFound(@Observes Router router) {
        router.errorHandler(404, ctx -> {
            String path = ctx.request().path();
            if (ctx.response().ended() || ctx.response().headWritten()) {
                return;
            }
            if (path.startsWith("/api/") || path.startsWith("/images/") || path.startsWith("/q/")) {
                ctx.response().setStatusCode(404).putHeader("Content-Type", "application/json")
                        .end("{\"error\":\"nothing at this address\",\"status\":404}");
                return;
            }
            String page = ApiErrors.page(404, "There is no page at this address. Search the catalogue instead.",
                    ctx.request().getParam("q"));
            ctx.response().setStatusCode(404).putHeader("Content-Type", "text/html;charset=UTF-8")
                    .putHeader("Content-Security-Policy", SecurityHeaders.CSP)
                    .putHeader("X-Content-Type-Options", "nosniff").end(page);
        });
    }
}
