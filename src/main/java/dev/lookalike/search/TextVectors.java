package dev.lookalike.search;

import dev.lookalike.embed.ClipModel;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The text tower's vectors for recent texts: shoppers repeat queries ("gold", paging through "red
 * dress"), and a cached vector skips the model entirely. Least recently used entries go first.
 * Thread-safe; two threads missing the same text at once both run the model, which is harmless.
 */
final class TextVectors {

    private final Supplier<ClipModel> model;
    private final int capacity;
    private final Map<String, float[]> cache;

    TextVectors(Supplier<ClipModel> model, int capacity) {
        this.model = model;
        this.capacity = capacity;
        this.cache = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, float[]> eldest) {
                return size() > TextVectors.this.capacity;
            }
        };
    }

    /**
     * The unit vector of {@code text} (a copy the caller may change).
     *
     * @throws SearchException when no model is available
     */
    float[] of(String text) {
        String key = text.strip().replaceAll("\\s+", " ");
        float[] v;
        synchronized (cache) {
            v = cache.get(key);
        }
        if (v == null) {
            ClipModel m = model.get();
            if (m == null) {
                throw new SearchException("no model to embed text with");
            }
            v = m.embedText(key);
            if (capacity > 0) {
                synchronized (cache) {
                    cache.put(key, v);
                }
            }
        }
        return v.clone();
    }

    int size() {
        synchronized (cache) {
            return cache.size();
        }
    }
}
