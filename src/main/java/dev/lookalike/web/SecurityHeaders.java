package dev.lookalike.web;

import jakarta.ws.rs.container.ContainerResponseContext;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Product names and descriptions come from shops and are escaped on every page; these headers are the
 * second line: pages may only run this app's own script and styles, and nothing is content-sniffed.
 */
public class SecurityHeaders {

    static final String CSP = "default-src 'self'; img-src 'self' data:; script-src 'self'; style-src 'self'; "
            + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    @ServerResponseFilter
    public void headers(ContainerResponseContext response) {
        // on every answer: harmless on JSON and images, and a page's type is not known yet here
        response.getHeaders().putSingle("X-Content-Type-Options", "nosniff");
        response.getHeaders().putSingle("Content-Security-Policy", CSP);
        response.getHeaders().putSingle("Referrer-Policy", "strict-origin-when-cross-origin");
    }
}
