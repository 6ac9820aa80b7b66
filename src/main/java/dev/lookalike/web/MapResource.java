package dev.lookalike.web;

import dev.lookalike.explore.StyleMap;
import dev.lookalike.search.LiveSearch;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateData;
import io.quarkus.qute.TemplateInstance;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.List;

/**
 * The gallery's map of the catalogue ({@code /map}): every product a dot on the 2D map, coloured by its style,
 * drawn by {@code map.js} from {@code /api/map}; the page itself lists the styles, so it says something
 * without JavaScript too.
 */
@Path("/map")
@Produces(MediaType.TEXT_HTML)
public class MapResource {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance map(MapView view);
    }

    /** The styles for the legend and how many products the map holds. */
    @TemplateData
    public record MapView(List<StylePages.Style> styles, int count) {}

    private final Serving serving;
    private final Styles styles;

    @Inject
    MapResource(Serving serving, Styles styles) {
        this.serving = serving;
        this.styles = styles;
    }

    @GET
    public TemplateInstance map() {
        LiveSearch live = serving.ready();
        StyleMap map = styles.of(live);
        return Templates.map(new MapView(StylePages.styles(live, map, 0), map.size()));
    }
}
