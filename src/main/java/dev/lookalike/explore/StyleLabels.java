package dev.lookalike.explore;

import dev.lookalike.catalog.Product;
import dev.lookalike.embed.ClipModel;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Names clusters without a language model: every candidate word (the vocabulary in {@value #VOCABULARY},
 * the catalogue's category words, and name words that at least {@value #MIN_NAME_PRODUCTS} products share)
 * is embedded once by the model's text tower, and each word goes to the cluster whose centroid it has the
 * highest cosine with. A cluster is named by its own words with the highest cosine, so a word names the
 * cluster it fits best and a word that fits every cluster ("product") names at most one; a cluster that owns
 * fewer than two words borrows those that fit it most above their mean cosine over all clusters. The best two distinct words are kept, a third of its own when
 * its cosine is within 10% of the second's ("gold · curved", "black · leather · bag").
 * Two words are not distinct when one is the other plus "s", or their text vectors are near-identical
 * (cosine ≥ 0.95: "gold" and "golden"); of two that are the same word (a plural, or cosine ≥ 0.99) the
 * shorter is kept.
 */
public final class StyleLabels {

    /** The vocabulary resource; one word or phrase a line, # comments. */
    public static final String VOCABULARY = "/explore/style-words.txt";
    static final int MIN_NAME_PRODUCTS = 2;
    static final int MAX_NAME_WORDS = 200;
    private static final int BATCH = 64;
    private static final Set<String> STOP = Set.of("the", "and", "for", "with", "from", "this", "that", "your",
            "you", "our", "new", "set", "pack", "size", "men", "women", "mens", "womens", "all", "other", "item",
            "items", "product", "products", "home", "shop", "sale", "gear", "misc");

    private StyleLabels() {}

    /** The vocabulary file's words, in file order. */
    public static List<String> vocabulary() {
        try (InputStream in = StyleLabels.class.getResourceAsStream(VOCABULARY)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + VOCABULARY);
            }
            List<String> out = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String w = line.strip().toLowerCase(Locale.ROOT);
                if (!w.isEmpty() && !w.startsWith("#")) {
                    out.add(w);
                }
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + VOCABULARY, e);
        }
    }

    /**
     * Every candidate word: the vocabulary, then the catalogue's category words, then the name words shared
     * by at least {@value #MIN_NAME_PRODUCTS} products (the {@value #MAX_NAME_WORDS} most shared), once each.
     */
    public static List<String> candidates(Product[] products) {
        Set<String> out = new LinkedHashSet<>(vocabulary());
        Map<String, Integer> nameCounts = new HashMap<>();
        for (Product p : products) {
            if (p.category() != null) {
                out.addAll(words(p.category()));
            }
            for (String w : new LinkedHashSet<>(words(p.name()))) {
                nameCounts.merge(w, 1, Integer::sum);
            }
        }
        nameCounts.entrySet().stream().filter(e -> e.getValue() >= MIN_NAME_PRODUCTS)
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(MAX_NAME_WORDS).forEach(e -> out.add(e.getKey()));
        return new ArrayList<>(out);
    }

    /** The lower-case words of a text: letters only, three or more of them, stop words left out. */
    static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        if (text == null) {
            return out;
        }
        for (String w : text.toLowerCase(Locale.ROOT).split("[^\\p{L}]+")) {
            if (w.length() >= 3 && !STOP.contains(w)) {
                out.add(w);
            }
        }
        return out;
    }

    /**
     * One label per centroid (unit vectors, row-major, {@code dim} wide), in order.
     *
     * @param words the candidate words, as {@link #candidates} gives them
     */
    public static List<String> label(ClipModel model, List<String> words, float[] centroids, int dim) {
        if (model.dim() != dim) {
            throw new ClusterException("the model " + model.name() + " makes vectors of " + model.dim()
                    + " dimensions, the collection's have " + dim + ": label with the model that embedded it");
        }
        int k = centroids.length / dim;
        float[] wordVectors = new float[words.size() * dim];
        for (int from = 0; from < words.size(); from += BATCH) {
            List<String> batch = words.subList(from, Math.min(words.size(), from + BATCH));
            float[][] vs = model.embedTexts(batch);
            for (int i = 0; i < vs.length; i++) {
                System.arraycopy(dev.lookalike.embed.Vectors.normalize(vs[i]), 0, wordVectors, (from + i) * dim, dim);
            }
        }
        int w = words.size();
        float[] cos = new float[w * k];
        int[] owner = new int[w];
        double[] mean = new double[w];
        for (int i = 0; i < w; i++) {
            for (int c = 0; c < k; c++) {
                cos[i * k + c] = Dots.dot(wordVectors, i * dim, centroids, c * dim, dim);
                mean[i] += cos[i * k + c] / k;
                if (cos[i * k + c] > cos[i * k + owner[i]]) {
                    owner[i] = c;
                }
            }
        }
        List<String> labels = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            Integer[] order = new Integer[w];
            for (int i = 0; i < w; i++) {
                order[i] = i;
            }
            final int cluster = c;
            // the words this cluster fits better than any other first, by cosine; then the others by how much
            // better they fit this cluster than the clusters on average, so a cluster that owns no word still
            // gets the words that set it apart, not the ones every cluster fits
            java.util.Arrays.sort(order, (a, b) -> {
                boolean ownA = owner[a] == cluster;
                boolean ownB = owner[b] == cluster;
                if (ownA != ownB) {
                    return ownA ? -1 : 1;
                }
                if (ownA) {
                    return Float.compare(cos[b * k + cluster], cos[a * k + cluster]);
                }
                return Double.compare(cos[b * k + cluster] - mean[b], cos[a * k + cluster] - mean[a]);
            });
            double[] score = new double[w];
            for (int i = 0; i < w; i++) {
                score[i] = cos[i * k + c];
            }
            List<Integer> picked = new ArrayList<>();
            for (int i : order) {
                int same = sameAs(i, picked, words, wordVectors, dim);
                if (same >= 0) {
                    // two words that say the very same: the shorter names it ("gold", not "golden")
                    int j = picked.get(same);
                    boolean identical = plural(words.get(i), words.get(j))
                            || Dots.dot(wordVectors, i * dim, wordVectors, j * dim, dim) >= 0.99f;
                    if (identical && words.get(i).length() < words.get(j).length()) {
                        picked.set(same, i);
                    }
                    continue;
                }
                if (picked.size() == 3) {
                    break;
                }
                if (picked.size() == 2) {
                    double second = score[picked.get(1)];
                    if (owner[i] != c || !(score[i] > 0 && score[i] >= 0.9 * second)) {
                        break;
                    }
                }
                picked.add(i);
            }
            labels.add(String.join(" · ", picked.stream().map(words::get).toList()));
        }
        return labels;
    }

    private static boolean plural(String a, String b) {
        return a.equals(b + "s") || b.equals(a + "s") || a.equals(b + "es") || b.equals(a + "es");
    }

    /** The position in {@code picked} of a word that says the same as word {@code i}, or -1. */
    private static int sameAs(int i, List<Integer> picked, List<String> words, float[] vectors, int dim) {
        String a = words.get(i);
        for (int p = 0; p < picked.size(); p++) {
            int j = picked.get(p);
            String b = words.get(j);
            if (plural(a, b) || Dots.dot(vectors, i * dim, vectors, j * dim, dim) >= 0.95f) {
                return p;
            }
        }
        return -1;
    }
}
