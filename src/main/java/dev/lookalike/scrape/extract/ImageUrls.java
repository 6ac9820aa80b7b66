package dev.lookalike.scrape.extract;

import org.jsoup.nodes.Element;

/**
 * The full-size photo an {@code <img>} (or {@code <source>}, {@code <a>}) stands for: a zoom
 * attribute, else the largest {@code srcset} candidate, else a lazy-loading {@code data-src}, else
 * {@code src}. Placeholders in {@code data:} URLs are passed over.
 */
public final class ImageUrls {

    private static final String[] ZOOM = {"data-zoom-image", "data-large_image", "data-large-image",
        "data-full", "data-full-src", "data-zoom-src", "data-old-hires"};
    private static final String[] SRCSETS = {"data-srcset", "data-lazy-srcset", "srcset"};
    private static final String[] LAZY = {"data-src", "data-lazy-src", "data-lazy", "data-original", "data-url"};

    private ImageUrls() {}

    /** The best absolute photo URL of the element, or null when it has none. */
    public static String best(Element el) {
        String base = el.baseUri();
        for (String attr : ZOOM) {
            String url = usable(base, el.attr(attr));
            if (url != null) {
                return url;
            }
        }
        for (String attr : SRCSETS) {
            String url = usable(base, largest(el.attr(attr)));
            if (url != null) {
                return url;
            }
        }
        for (String attr : LAZY) {
            String url = usable(base, el.attr(attr));
            if (url != null) {
                return url;
            }
        }
        String tag = el.normalName();
        String main = tag.equals("a") || tag.equals("link") ? el.attr("href") : el.attr("src");
        if (main.isEmpty() && el.hasAttr("content")) {
            main = el.attr("content");
        }
        return usable(base, main);
    }

    private static String usable(String base, String value) {
        if (value == null || value.isBlank() || value.strip().startsWith("data:")) {
            return null;
        }
        return Urls.resolve(base, value);
    }

    /**
     * The candidate of a {@code srcset} with the largest width ({@code 800w}) or density
     * ({@code 2x}); widths win over densities. URLs may hold commas (image CDNs' {@code w_100,h_80}).
     *
     * @return null when the set is empty
     */
    static String largest(String srcset) {
        if (srcset == null || srcset.isBlank()) {
            return null;
        }
        String best = null;
        double bestWidth = -1;
        double bestDensity = -1;
        int i = 0;
        int n = srcset.length();
        while (i < n) {
            while (i < n && (Character.isWhitespace(srcset.charAt(i)) || srcset.charAt(i) == ',')) {
                i++;
            }
            int start = i;
            while (i < n && !Character.isWhitespace(srcset.charAt(i))) {
                i++;
            }
            if (start == i) {
                break;
            }
            String url = srcset.substring(start, i);
            String descriptor = "";
            if (url.endsWith(",")) {
                url = url.replaceAll(",+$", "");
            } else {
                int d = i;
                while (i < n && srcset.charAt(i) != ',') {
                    i++;
                }
                descriptor = srcset.substring(d, i).strip();
            }
            double width = -1;
            double density = 1;
            try {
                if (descriptor.endsWith("w")) {
                    width = Double.parseDouble(descriptor.substring(0, descriptor.length() - 1));
                } else if (descriptor.endsWith("x")) {
                    density = Double.parseDouble(descriptor.substring(0, descriptor.length() - 1));
                }
            } catch (NumberFormatException e) {
                // an odd descriptor: treat the candidate as 1x
            }
            if (width > bestWidth || (width == bestWidth && density > bestDensity)) {
                best = url;
                bestWidth = width;
                bestDensity = density;
            }
        }
        return best;
    }
}
