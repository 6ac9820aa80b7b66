package dev.lookalike.web;

import dev.lookalike.search.NotAnImageException;
import dev.lookalike.search.SearchException;
import dev.lookalike.search.UnusablePhotosException;
import dev.lookalike.search.UnknownProductException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Domain failures as HTTP statuses: JSON {@code {"error", "status"}} under {@code /api}, a page saying
 * what went wrong everywhere else.
 */
public class ApiErrors {

    @ServerExceptionMapper
    public Response problem(WebProblem e, UriInfo uri) {
        return answer(e.status(), e.getMessage(), uri);
    }

    @ServerExceptionMapper
    public Response unknownProduct(UnknownProductException e, UriInfo uri) {
        return answer(404, e.getMessage(), uri);
    }

    @ServerExceptionMapper
    public Response badQuery(SearchException e, UriInfo uri) {
        return answer(400, e.getMessage(), uri);
    }

    /** The request is fine; the product's stored photos are not: a server-side condition, with the reasons. */
    @ServerExceptionMapper
    public Response unusablePhotos(UnusablePhotosException e, UriInfo uri) {
        return answer(500, e.getMessage(), uri);
    }

    @ServerExceptionMapper
    public Response notAnImage(NotAnImageException e, UriInfo uri) {
        return answer(415, WebProblem.notAnImage(e.getMessage()).getMessage(), uri);
    }

    static Response answer(int status, String message, UriInfo uri) {
        Response.ResponseBuilder r = Response.status(status);
        if (status == 503) {
            r.header("Retry-After", "5");
        }
        if (uri.getPath().startsWith("/api/") || uri.getPath().startsWith("/images/")) {
            return r.type(MediaType.APPLICATION_JSON_TYPE).entity(new ApiError(message, status)).build();
        }
        return r.type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"))
                .entity(page(status, message, uri.getQueryParameters().getFirst("q"))).build();
    }

    /** The gallery's error page: the search box keeps the words searched for, the message speaks plainly. */
    static String page(int status, String message, String q) {
        String words = Params.text(q);
        if (words != null && words.length() > dev.lookalike.search.SearchService.MAX_QUERY_CHARS) {
            words = words.substring(0, dev.lookalike.search.SearchService.MAX_QUERY_CHARS);
        }
        return GalleryResource.Templates.error(status, WebProblem.forShopper(message), words == null ? "" : words)
                .render();
    }
}
