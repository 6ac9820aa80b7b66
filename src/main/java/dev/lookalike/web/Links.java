package dev.lookalike.web;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** The app's own URLs: images and gallery states (every state is a shareable URL). */
final class Links {

    private Links() {}

    static String image(String imageId) {
        return "/images/" + imageId;
    }

    static String thumbnail(String imageId) {
        return "/images/" + imageId + "/thumbnail";
    }

    /** The photo at {@code width} pixels on its longest side (one of {@link ImageResource#WIDTHS}). */
    static String thumbnail(String imageId, int width) {
        return "/images/" + imageId + "/thumbnail?w=" + width;
    }

    static String product(String productId) {
        return "/products/" + productId;
    }

    /** A query string builder that leaves out null and empty values, in the order added. */
    static final class Query {
        private final String path;
        private final Map<String, String> params = new LinkedHashMap<>();

        Query(String path) {
            this.path = path;
        }

        Query with(String name, Object value) {
            String s = value == null ? null : value.toString();
            if (s == null || s.isEmpty()) {
                params.remove(name);
            } else {
                params.put(name, s);
            }
            return this;
        }

        Query copy() {
            Query q = new Query(path);
            q.params.putAll(params);
            return q;
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder(path);
            char sep = '?';
            for (Map.Entry<String, String> e : params.entrySet()) {
                sb.append(sep).append(encode(e.getKey())).append('=').append(encode(e.getValue()));
                sep = '&';
            }
            return sb.toString();
        }
    }

    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
