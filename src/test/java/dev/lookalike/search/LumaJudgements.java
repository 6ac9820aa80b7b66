package dev.lookalike.search;

import dev.lookalike.search.LumaCatalogue.Item;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Labelled queries over a {@link LumaCatalogue}, each with the products that answer it, derived from the
 * fixtures' categories, names, variation colours and SKUs (no product is picked by hand):
 * <ul>
 *   <li>{@link QueryClass#COMBINED}: a colour and a garment ("blue hoodie"). Relevant: every product, in either
 *       shop, sold in that colour whose garment is that one. A product's garment comes from the last step of its
 *       category: "Jackets" is a jacket; a step naming two garments ("Hoodies &amp; Sweatshirts", "Bras &amp;
 *       Tanks") gives the one the product's name says, or both when the name says neither ("Helena Hooded
 *       Fleece"). Every colour × garment pair with at least {@value #MIN_RELEVANT} relevant products is a query.</li>
 *   <li>{@link QueryClass#NAME}: a Luma product's full name; relevant and expected first: that product (its
 *       outlet copy, named differently, is not).</li>
 *   <li>{@link QueryClass#SKU}: a Luma product's SKU ("MH01"); relevant and expected first: that product.</li>
 * </ul>
 * The same-item cases (each outlet copy with its Luma product) are the catalogue's {@link LumaCatalogue#sameItems}.
 */
public final class LumaJudgements {

    /** The fewest relevant products a colour × garment query must have. */
    public static final int MIN_RELEVANT = 3;

    /** What kind of query a judgement is, and so which measures apply to it. */
    public enum QueryClass {
        /** Colour and garment words: precision at 10. */
        COMBINED("colour + garment"),
        /** A product's full name: one answer, expected first. */
        NAME("exact name"),
        /** A product's SKU: one answer, expected first. */
        SKU("SKU");

        private final String label;

        QueryClass(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /**
     * One labelled query.
     *
     * @param relevant      the ids of the products that answer it
     * @param expectedFirst the id that should rank first, or null when any relevant product may
     */
    public record Judgement(QueryClass queryClass, String query, Set<String> relevant, String expectedFirst) {
        public Judgement {
            relevant = Set.copyOf(relevant);
            if (relevant.isEmpty()) {
                throw new IllegalArgumentException("query \"" + query + "\" has no relevant product");
            }
        }
    }

    /**
     * The garment words of each last category step, and how a name says each ("Hoodie", "Sports Bra"). The
     * query word is what a shopper types: singular, except the garments English names in the plural.
     */
    private static final Map<String, List<Garment>> GARMENTS_OF_STEP = Map.of(
            "Hoodies & Sweatshirts", List.of(new Garment("hoodie"), new Garment("sweatshirt")),
            "Bras & Tanks", List.of(new Garment("bra"), new Garment("tank")),
            "Jackets", List.of(new Garment("jacket")),
            "Tees", List.of(new Garment("tee")),
            "Tanks", List.of(new Garment("tank")),
            "Pants", List.of(new Garment("pants")),
            "Shorts", List.of(new Garment("shorts")));

    /** A garment's query word and the pattern of its word in a product name (singular or plural). */
    private record Garment(String word, Pattern inName) {
        Garment(String word) {
            this(word, Pattern.compile("\\b" + Pattern.quote(word.replaceFirst("s$", "")) + "s?\\b",
                    Pattern.CASE_INSENSITIVE));
        }
    }

    private final LumaCatalogue catalogue;
    private final List<Judgement> judgements;

    private LumaJudgements(LumaCatalogue catalogue, List<Judgement> judgements) {
        this.catalogue = catalogue;
        this.judgements = List.copyOf(judgements);
    }

    /**
     * The judgements of a built catalogue.
     *
     * @throws IllegalStateException when a product's category is not one of the garments known here
     */
    public static LumaJudgements of(LumaCatalogue catalogue) {
        List<Judgement> out = new ArrayList<>();
        // colour × garment, in a stable order: garments by word, colours by name
        Map<String, Map<String, Set<String>>> byGarment = new TreeMap<>();
        for (Item item : catalogue.items()) {
            for (String garment : garments(item)) {
                for (String colour : item.colours()) {
                    byGarment.computeIfAbsent(garment, g -> new TreeMap<>())
                            .computeIfAbsent(colour.toLowerCase(Locale.ROOT), c -> new TreeSet<>()).add(item.id());
                }
            }
        }
        for (Map.Entry<String, Map<String, Set<String>>> g : byGarment.entrySet()) {
            for (Map.Entry<String, Set<String>> c : g.getValue().entrySet()) {
                if (c.getValue().size() >= MIN_RELEVANT) {
                    out.add(new Judgement(QueryClass.COMBINED, c.getKey() + " " + g.getKey(), c.getValue(), null));
                }
            }
        }
        for (Item item : catalogue.shop(LumaCatalogue.LUMA)) {
            out.add(new Judgement(QueryClass.NAME, item.name(), Set.of(item.id()), item.id()));
        }
        for (Item item : catalogue.shop(LumaCatalogue.LUMA)) {
            out.add(new Judgement(QueryClass.SKU, item.sku(), Set.of(item.id()), item.id()));
        }
        return new LumaJudgements(catalogue, out);
    }

    /**
     * The garment words of a product: those of its category's last step that its name says, or all of the step's
     * when the name says none. Products outside the clothing categories (the outlet's gear) have none.
     */
    static Set<String> garments(Item item) {
        String step = item.category().substring(item.category().lastIndexOf('/') + 1);
        List<Garment> garments = GARMENTS_OF_STEP.get(step);
        if (garments == null) {
            if (item.category().startsWith("Men/") || item.category().startsWith("Women/")) {
                throw new IllegalStateException("category " + item.category() + " of " + item.sku()
                        + " names no garment known to the judgements");
            }
            return Set.of();
        }
        Set<String> named = new LinkedHashSet<>();
        for (Garment g : garments) {
            if (g.inName().matcher(item.name()).find()) {
                named.add(g.word());
            }
        }
        if (named.isEmpty()) {
            garments.forEach(g -> named.add(g.word()));
        }
        return named;
    }

    public LumaCatalogue catalogue() {
        return catalogue;
    }

    /** Every judgement: the combined queries, then the names, then the SKUs. */
    public List<Judgement> all() {
        return judgements;
    }

    /** The judgements of one class. */
    public List<Judgement> of(QueryClass queryClass) {
        return judgements.stream().filter(j -> j.queryClass() == queryClass).toList();
    }

    /** The judgement of this query text; throws when there is none. */
    public Judgement expect(String query) {
        return judgements.stream().filter(j -> j.query().equals(query)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no judgement for \"" + query + "\""));
    }

    /** How many products a ranking chooses from: every product of the catalogue (each has a photo). */
    public int catalogueSize() {
        return catalogue.items().size();
    }

    /**
     * The precision at 10 a random ranking of the whole catalogue has on average over the class's queries:
     * each query expects |relevant| / N of its 10 places to hold a relevant product.
     */
    public double randomPrecisionAt10(QueryClass queryClass) {
        return of(queryClass).stream().mapToDouble(j -> (double) j.relevant().size() / catalogueSize())
                .average().orElse(0);
    }

    /**
     * The mean reciprocal rank (cut at 10) and the hit rate at 1 of a random ranking, for the classes with one
     * expected product: {@code [MRR, hit@1]}.
     */
    public double[] randomMrrAndHitAt1() {
        double harmonic = 0;
        for (int k = 1; k <= 10; k++) {
            harmonic += 1.0 / k;
        }
        return new double[] {harmonic / catalogueSize(), 1.0 / catalogueSize()};
    }

    /**
     * The best precision at 10 possible for the class: every query's relevant products first, so
     * min(|relevant|, 10) / 10 on average.
     */
    public double idealPrecisionAt10(QueryClass queryClass) {
        return of(queryClass).stream().mapToDouble(j -> Math.min(j.relevant().size(), 10) / 10.0)
                .average().orElse(0);
    }

    /**
     * The precision at 10, averaged over the combined queries, of a ranking that knows exactly which products come
     * in the query's colour (or, with {@code byGarment}, which are the query's garment) and nothing else: those
     * first, in random order. Look search with the colour fixture model knows colours only, word search garments
     * only; these say how far each can get alone.
     */
    public double oneSidedPrecisionAt10(boolean byGarment) {
        Map<String, Set<String>> known = new LinkedHashMap<>();
        for (Item item : catalogue.items()) {
            Set<String> keys = new LinkedHashSet<>();
            if (byGarment) {
                keys.addAll(garments(item));
            } else {
                item.colours().forEach(c -> keys.add(c.toLowerCase(Locale.ROOT)));
            }
            for (String key : keys) {
                known.computeIfAbsent(key, k -> new LinkedHashSet<>()).add(item.id());
            }
        }
        return of(QueryClass.COMBINED).stream().mapToDouble(j -> {
            String[] words = j.query().split(" ", 2);
            Set<String> candidates = known.getOrDefault(byGarment ? words[1] : words[0], Set.of());
            int c = candidates.size();
            return c == 0 ? 0 : Math.min(10, c) * ((double) j.relevant().size() / c) / 10.0;
        }).average().orElse(0);
    }
}
