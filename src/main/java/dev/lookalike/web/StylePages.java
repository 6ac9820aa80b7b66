package dev.lookalike.web;

import dev.lookalike.catalog.Product;
import dev.lookalike.catalog.StyleCluster;
import dev.lookalike.explore.StyleMap;
import dev.lookalike.search.LiveSearch;
import dev.lookalike.search.Match;
import dev.lookalike.search.ResultPage;
import dev.lookalike.search.SearchFilter;
import io.quarkus.qute.TemplateData;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What the gallery shows of browse by style: the home page's strip of styles, a product page's style line,
 * and the pages of one style ({@code /?cluster=ID}) or of a place on the map ({@code /?near=x,y,r}).
 * Each style's colour is {@code style-N} in lookalike.css, N its rank by size modulo {@value #COLOURS}: the
 * strip, the map's legend and its dots agree.
 */
final class StylePages {

    /** Colours the stylesheet defines (.style-0 … .style-11). */
    static final int COLOURS = 12;
    /** Photos per style in the strip. */
    static final int STRIP_PHOTOS = 3;

    /** A style in the strip or the map's legend. */
    @TemplateData
    public record Style(long id, String label, int size, String url, String colour, List<String> thumbs) {}

    /** The strip: the styles largest first, or none when the catalogue has not been clustered. */
    @TemplateData
    public record Strip(List<Style> styles) {}

    /** A product page's line: the style it belongs to. */
    @TemplateData
    public record Line(String label, String url, String colour) {}

    private StylePages() {}

    static List<Style> styles(LiveSearch live, StyleMap map, int photos) {
        List<Style> out = new ArrayList<>();
        List<StyleCluster> clusters = map.clusters();
        for (int i = 0; i < clusters.size(); i++) {
            StyleCluster c = clusters.get(i);
            List<String> thumbs = map.members(c.id(), photos, 0).stream()
                    .map(m -> live.index().imageOf(m.productId()).orElse(null)).filter(t -> t != null)
                    .map(Links::thumbnail).toList();
            out.add(new Style(c.id(), c.label(), map.liveSize(c.id()), "/?cluster=" + c.id(), colour(i), thumbs));
        }
        return out;
    }

    static Strip strip(LiveSearch live, StyleMap map) {
        return new Strip(styles(live, map, STRIP_PHOTOS));
    }

    /** The style line of a product, null when it is in no style. */
    static Line line(StyleMap map, String productId) {
        Optional<StyleCluster> c = map.clusterOf(productId);
        if (c.isEmpty()) {
            return null;
        }
        int rank = map.clusters().indexOf(c.get());
        return new Line(c.get().label(), "/?cluster=" + c.get().id(), colour(rank));
    }

    static String colour(int rank) {
        return "style-" + Math.floorMod(rank, COLOURS);
    }

    /** A page of one style's products or of a place on the map, with its heading. */
    record Browse(String heading, ResultPage page) {}

    /**
     * The ids of the products a style ({@code cluster}) or a place on the map ({@code near}) holds, for a search
     * within it; empty when neither is given.
     *
     * @throws WebProblem as {@link #browse} does
     */
    static Optional<java.util.Set<String>> within(StyleMap map, String cluster, String near) {
        Optional<Selection> s = selection(map, cluster, near);
        if (s.isEmpty()) {
            return Optional.empty();
        }
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (StyleMap.Member m : s.get().members()) {
            ids.add(m.productId());
        }
        return Optional.of(ids);
    }

    /** What a style or a place on the map holds, and its heading. */
    private record Selection(List<StyleMap.Member> members, String heading) {}

    private static Optional<Selection> selection(StyleMap map, String cluster, String near) {
        List<StyleMap.Member> members;
        String heading;
        if (cluster != null) {
            StyleCluster c = StyleApiResource.clusterId(cluster).flatMap(map::cluster).orElseThrow(() -> new WebProblem(
                    404, map.isEmpty() ? "This catalogue has no styles yet." : "That style is gone: the catalogue was "
                            + "grouped again. Pick a style below or on the map."));
            members = map.members(c.id(), Integer.MAX_VALUE, 0);
            heading = "Style: " + c.label();
        } else if (near != null) {
            double[] p = parseNear(near);
            members = map.near(p[0], p[1], p[2]);
            heading = "Near each other on the map";
        } else {
            return Optional.empty();
        }
        return Optional.of(new Selection(members, heading));
    }

    /**
     * The page for {@code cluster} or {@code near} (whichever is given; empty when neither), the filter applied.
     *
     * @throws WebProblem 400 when near is not three numbers, 404 when no style has that id
     */
    static Optional<Browse> browse(LiveSearch live, StyleMap map, String cluster, String near, SearchFilter filter,
                                   int limit, int offset) {
        Optional<Selection> selection = selection(map, cluster, near);
        if (selection.isEmpty()) {
            return Optional.empty();
        }
        List<StyleMap.Member> members = selection.get().members();
        String heading = selection.get().heading();
        List<Match> matches = new ArrayList<>();
        for (StyleMap.Member m : members) {
            Optional<Product> p = live.index().product(m.productId());
            if (p.isPresent() && filter.accepts(p.get())) {
                float score = cluster != null ? 1 - m.distance() : 0f;
                matches.add(StyleApiResource.match(live, p.get(), score));
            }
        }
        int from = Math.min(offset, matches.size());
        int to = Math.min(matches.size(), from + limit);
        ResultPage page = new ResultPage(matches.subList(from, to), to < matches.size(), matches.size(),
                dev.lookalike.search.FacetCounts.NONE, false);
        return Optional.of(new Browse(heading, page));
    }

    /** {@code x,y,r}: a map point and a radius, all finite, r > 0. */
    static double[] parseNear(String near) {
        String[] parts = near.strip().split(",");
        if (parts.length == 3) {
            try {
                double[] v = {Double.parseDouble(parts[0].strip()), Double.parseDouble(parts[1].strip()),
                        Double.parseDouble(parts[2].strip())};
                if (Double.isFinite(v[0]) && Double.isFinite(v[1]) && Double.isFinite(v[2]) && v[2] > 0) {
                    return v;
                }
            } catch (NumberFormatException e) {
                // said below
            }
        }
        throw WebProblem.badRequest("near must be x,y,r: a place on the map and a radius above 0 (e.g. "
                + String.format(Locale.ROOT, "near=%.2f,%.2f,%.2f", 0.1, -0.3, 0.2) + "), got " + near);
    }
}
