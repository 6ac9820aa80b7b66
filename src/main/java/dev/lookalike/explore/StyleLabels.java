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
 * is embedded once by the model's text tower, and a cluster is named by the words whose text vectors best
 * fit its centroid <em>and</em> set it apart: a word scores its cosine with the centroid minus its mean cosine
 * with all centroids, so "product" or a colour every cluster shares ranks low. The best two distinct words
 * are kept, a third when it scores nearly as well as the second ("gold · curved", "black · leather · bag").
 * Two words are not distinct when one is the other plus "s", or their text vectors are near-identical
 * (cosine ≥ 0.95: "gold" and "golden").
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
        double[] mean = new double[w];
        for (int i = 0; i < w; i++) {
            for (int c = 0; c < k; c++) {
                cos[i * k + c] = Dots.dot(wordVectors, i * dim, centroids, c * dim, dim);
                mean[i] += cos[i * k + c] / k;
            }
        }
        List<String> labels = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            double[] score = new double[w];
            Integer[] order = new Integer[w];
            for (int i = 0; i < w; i++) {
                score[i] = k > 1 ? cos[i * k + c] - mean[i] : cos[i * k + c];
                order[i] = i;
            }
            final int cluster = c;
            java.util.Arrays.sort(order, (a, b) -> {
                int byScore = Double.compare(score[b], score[a]);
                return byScore != 0 ? byScore : Float.compare(cos[b * k + cluster], cos[a * k + cluster]);
            });
            List<Integer> picked = new ArrayList<>();
            for (int i : order) {
                if (picked.size() == 3) {
                    break;
                }
                if (!distinct(i, picked, words, wordVectors, dim)) {
                    continue;
                }
                if (picked.size() == 2) {
                    double second = score[picked.get(1)];
                    if (!(score[i] > 0 && score[i] >= 0.8 * second)) {
                        break;
                    }
                }
                picked.add(i);
            }
            labels.add(String.join(" · ", picked.stream().map(words::get).toList()));
        }
        return labels;
    }

    private static boolean distinct(int i, List<Integer> picked, List<String> words, float[] vectors, int dim) {
        String a = words.get(i);
        for (int j : picked) {
            String b = words.get(j);
            if (a.equals(b + "s") || b.equals(a + "s") || a.equals(b + "es") || b.equals(a + "es")) {
                return false;
            }
            if (Dots.dot(vectors, i * dim, vectors, j * dim, dim) >= 0.95f) {
                return false;
            }
        }
        return true;
    }
}
