package dev.lookalike.web;

import dev.lookalike.catalog.Collection;
import dev.lookalike.explore.StyleMap;
import dev.lookalike.search.LiveSearch;
import dev.lookalike.search.VectorIndex;
import jakarta.inject.Singleton;

/**
 * The clusters and map the gallery and the API show: those of the serving model's collection, read when
 * first asked for and again whenever the served index is reloaded (which any commit to the catalogue,
 * {@code lookalike cluster}'s included, brings about).
 */
@Singleton
public class Styles {

    private record Cached(VectorIndex index, StyleMap map) {}

    private volatile Cached cached;

    /** The current clusters and map; {@link StyleMap#EMPTY} when the collection has none. */
    public StyleMap of(LiveSearch live) {
        VectorIndex index = live.index();
        Cached c = cached;
        if (c != null && c.index() == index) {
            return c.map();
        }
        synchronized (this) {
            c = cached;
            if (c != null && c.index() == index) {
                return c.map();
            }
            StyleMap map = live.catalogue().findCollection(live.modelName())
                    .map((Collection col) -> StyleMap.load(live.catalogue(), col)).orElse(StyleMap.EMPTY);
            cached = new Cached(index, map);
            return map;
        }
    }
}
