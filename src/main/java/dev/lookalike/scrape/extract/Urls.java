package dev.lookalike.scrape.extract;

import java.net.MalformedURLException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/**
 * URLs as a crawler needs them: resolved against the page (relative, protocol-relative), made
 * strictly valid, and normalised so that one page has one spelling.
 */
public final class Urls {

    /** Query parameters that only track the visitor; dropping them never changes the page. */
    private static final Set<String> TRACKING = Set.of("gclid", "gbraid", "wbraid", "dclid", "fbclid", "msclkid",
            "yclid", "igshid", "mc_cid", "mc_eid", "_ga", "_gl", "_hsenc", "_hsmi", "srsltid", "ref_src",
            "phpsessid", "jsessionid", "sessionid", "sid");

    private Urls() {}

    /**
     * {@code ref} resolved against {@code base}, as an absolute http(s) URL with illegal characters
     * escaped (spaces, non-ASCII).
     *
     * @return null when {@code ref} is empty, not http(s) ({@code mailto:}, {@code javascript:},
     *     {@code data:}) or malformed
     */
    public static String resolve(String base, String ref) {
        if (ref == null) {
            return null;
        }
        String r = ref.strip();
        if (r.isEmpty()) {
            return null;
        }
        if (r.startsWith("?") && base != null) {
            // java.net.URL follows RFC 2396 here and drops the last path segment; RFC 3986 keeps it.
            int cut = base.length();
            for (char c : new char[] {'?', '#'}) {
                int at = base.indexOf(c);
                if (at >= 0) {
                    cut = Math.min(cut, at);
                }
            }
            r = base.substring(0, cut) + r;
        }
        try {
            URL url = base == null || base.isEmpty() ? new URL(r) : new URL(new URL(base), r);
            String protocol = url.getProtocol().toLowerCase(Locale.ROOT);
            if (!protocol.equals("http") && !protocol.equals("https")) {
                return null;
            }
            if (url.getHost() == null || url.getHost().isEmpty()) {
                return null;
            }
            URI uri = new URI(escape(url.toString()));
            return uri.toString();
        } catch (MalformedURLException | URISyntaxException | IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * The one spelling of a page URL: lower-case scheme and host, no default port, no fragment,
     * {@code .}/{@code ..} segments resolved, no session or tracking parameters ({@code utm_*},
     * {@code gclid}, {@code fbclid}, …), an empty path as {@code /}.
     *
     * @return null when {@code url} is not an absolute http(s) URL
     */
    public static String normalise(String url) {
        String resolved = resolve(null, url);
        if (resolved == null) {
            return null;
        }
        URI uri = URI.create(resolved).normalize();
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost() == null ? null : uri.getHost().toLowerCase(Locale.ROOT);
        if (host == null) {
            return null;
        }
        int port = uri.getPort();
        if ((scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443)) {
            port = -1;
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        int semi = path.toLowerCase(Locale.ROOT).indexOf(";jsessionid=");
        if (semi >= 0) {
            path = path.substring(0, semi);
        }
        while (path.startsWith("/../")) {
            path = path.substring(3);
        }
        StringBuilder sb = new StringBuilder(scheme).append("://");
        if (uri.getRawUserInfo() != null) {
            sb.append(uri.getRawUserInfo()).append('@');
        }
        sb.append(host);
        if (port >= 0) {
            sb.append(':').append(port);
        }
        sb.append(path);
        String query = cleanQuery(uri.getRawQuery());
        if (query != null) {
            sb.append('?').append(query);
        }
        return sb.toString();
    }

    private static String cleanQuery(String raw) {
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        StringBuilder kept = new StringBuilder();
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = (eq >= 0 ? pair.substring(0, eq) : pair).toLowerCase(Locale.ROOT);
            if (name.startsWith("utm_") || TRACKING.contains(name)) {
                continue;
            }
            if (kept.length() > 0) {
                kept.append('&');
            }
            kept.append(pair);
        }
        return kept.length() == 0 ? null : kept.toString();
    }

    /** The lower-case host of an absolute URL, or null when it has none. */
    public static String host(String url) {
        try {
            String host = URI.create(url).getHost();
            return host == null ? null : host.toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Percent-encodes the characters a URI may not hold (spaces, controls, non-ASCII), leaving escapes alone. */
    static String escape(String s) {
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean bad = c <= 0x20 || c >= 0x7f || "\"<>\\^`{|}".indexOf(c) >= 0
                    || (c == '%' && !isEscape(s, i));
            if (!bad) {
                if (sb != null) {
                    sb.append(c);
                }
                continue;
            }
            if (sb == null) {
                sb = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            int end = Character.isHighSurrogate(c) && i + 1 < s.length() ? i + 2 : i + 1;
            for (byte b : s.substring(i, end).getBytes(StandardCharsets.UTF_8)) {
                sb.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xF, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xF, 16)));
            }
            i = end - 1;
        }
        return sb == null ? s : sb.toString();
    }

    private static boolean isEscape(String s, int i) {
        return i + 2 < s.length() && Character.digit(s.charAt(i + 1), 16) >= 0 && Character.digit(s.charAt(i + 2), 16) >= 0;
    }
}
