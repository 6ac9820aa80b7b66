package dev.lookalike.search;

import dev.lookalike.search.LumaCatalogue.SameItem;
import dev.lookalike.search.LumaJudgements.Judgement;
import dev.lookalike.search.LumaJudgements.QueryClass;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Scores a search against {@link LumaJudgements}: precision at 10 for every class, and the mean reciprocal rank
 * (cut at 10) and hit rate at 1 for the classes with one expected product (names, SKUs); for the same-item cases,
 * where each outlet copy ranks among its Luma product's lookalikes, and how well results group the two.
 *
 * <p>A ranker is {@code (query text, mode) -> product ids, best first}; only its first 10 count.
 */
public final class SearchQuality {

    /** How many results each query is judged on. */
    public static final int DEPTH = 10;

    private SearchQuality() {}

    /**
     * The scores of one mode on one class of queries.
     *
     * @param precisionAt10 mean over the queries of (relevant among the first 10) / 10
     * @param mrr           mean of 1 / the rank of the first relevant result (0 when none is in the first 10)
     * @param hitAt1        share of queries whose first result is the expected one (any relevant one when none
     *                      is expected)
     */
    public record Score(String mode, QueryClass queryClass, int queries, double precisionAt10, double mrr,
                        double hitAt1) {}

    /** One query's scores in one mode: its precision at 10 and the reciprocal rank of its first relevant result. */
    public record QueryScore(String mode, Judgement judgement, double precisionAt10, double reciprocalRank) {}

    /** The scores of every mode and class, each query's, and the baselines of the judgements. */
    public record Report(List<Score> scores, List<QueryScore> queries, LumaJudgements judgements) {

        /** The score of a mode on a class; throws when the report has none. */
        public Score score(String mode, QueryClass queryClass) {
            return scores.stream().filter(s -> s.mode().equals(mode) && s.queryClass() == queryClass).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no score for mode " + mode + " on "
                            + queryClass));
        }

        /**
         * A markdown table, one row per mode and one per baseline: precision at 10 on the combined queries, MRR and
         * hit@1 on names and SKUs.
         */
        public String markdown() {
            StringBuilder out = new StringBuilder();
            int combined = judgements.of(QueryClass.COMBINED).size();
            int names = judgements.of(QueryClass.NAME).size();
            int skus = judgements.of(QueryClass.SKU).size();
            out.append("| mode | colour + garment p@10 (").append(combined).append(") | exact name MRR (")
                    .append(names).append(") | exact name hit@1 | SKU MRR (").append(skus).append(") | SKU hit@1 |\n");
            out.append("|---|---|---|---|---|---|\n");
            List<String> modes = scores.stream().map(Score::mode).distinct().toList();
            for (String mode : modes) {
                out.append("| ").append(mode).append(" | ").append(f(score(mode, QueryClass.COMBINED).precisionAt10()))
                        .append(" | ").append(f(score(mode, QueryClass.NAME).mrr()))
                        .append(" | ").append(f(score(mode, QueryClass.NAME).hitAt1()))
                        .append(" | ").append(f(score(mode, QueryClass.SKU).mrr()))
                        .append(" | ").append(f(score(mode, QueryClass.SKU).hitAt1())).append(" |\n");
            }
            double[] random = judgements.randomMrrAndHitAt1();
            out.append("| *random (N = ").append(judgements.catalogueSize()).append(")* | ")
                    .append(f(judgements.randomPrecisionAt10(QueryClass.COMBINED))).append(" | ").append(f(random[0]))
                    .append(" | ").append(f(random[1])).append(" | ").append(f(random[0])).append(" | ")
                    .append(f(random[1])).append(" |\n");
            out.append("| *colour known, garment not* | ").append(f(judgements.oneSidedPrecisionAt10(false)))
                    .append(" | | | | |\n");
            out.append("| *garment known, colour not* | ").append(f(judgements.oneSidedPrecisionAt10(true)))
                    .append(" | | | | |\n");
            out.append("| *ideal* | ").append(f(judgements.idealPrecisionAt10(QueryClass.COMBINED)))
                    .append(" | 1 | 1 | 1 | 1 |\n");
            return out.toString();
        }

        /** A markdown table of one mode's queries of one class, worst first: where a change helps or hurts. */
        public String markdownPerQuery(String mode, QueryClass queryClass) {
            StringBuilder out = new StringBuilder("| query (" + mode + ") | relevant | p@10 | RR |\n|---|---|---|---|\n");
            queries.stream().filter(q -> q.mode().equals(mode) && q.judgement().queryClass() == queryClass)
                    .sorted(Comparator.comparingDouble(QueryScore::precisionAt10)
                            .thenComparingDouble(QueryScore::reciprocalRank)
                            .thenComparing(q -> q.judgement().query()))
                    .forEach(q -> out.append("| ").append(q.judgement().query()).append(" | ")
                            .append(q.judgement().relevant().size()).append(" | ").append(f(q.precisionAt10()))
                            .append(" | ").append(f(q.reciprocalRank())).append(" |\n"));
            return out.toString();
        }
    }

    /**
     * Runs every judgement through the ranker in each mode.
     *
     * @param ranker (query, mode) to product ids best first; may return fewer than 10 or more (the rest is ignored)
     */
    public static Report evaluate(LumaJudgements judgements, List<String> modes,
                                  BiFunction<String, String, List<String>> ranker) {
        List<Score> scores = new ArrayList<>();
        List<QueryScore> perQuery = new ArrayList<>();
        for (String mode : modes) {
            for (QueryClass c : QueryClass.values()) {
                List<Judgement> js = judgements.of(c);
                double precision = 0;
                double mrr = 0;
                double hits = 0;
                for (Judgement j : js) {
                    List<String> ranked = ranker.apply(j.query(), mode);
                    List<String> top = ranked.subList(0, Math.min(DEPTH, ranked.size()));
                    double p = precisionAt10(top, j.relevant());
                    double rr = reciprocalRank(top, j.relevant());
                    perQuery.add(new QueryScore(mode, j, p, rr));
                    precision += p;
                    mrr += rr;
                    String first = top.isEmpty() ? null : top.get(0);
                    hits += first != null && (j.expectedFirst() != null ? j.expectedFirst().equals(first)
                            : j.relevant().contains(first)) ? 1 : 0;
                }
                int n = Math.max(1, js.size());
                scores.add(new Score(mode, c, js.size(), precision / n, mrr / n, hits / n));
            }
        }
        return new Report(scores, perQuery, judgements);
    }

    /**
     * Distinct relevant ids among the first 10, over 10 (not over the list's length: a short list is not rewarded,
     * and a product listed twice counts once).
     */
    static double precisionAt10(List<String> ranked, Set<String> relevant) {
        Set<String> hits = new HashSet<>();
        for (int i = 0; i < Math.min(DEPTH, ranked.size()); i++) {
            if (relevant.contains(ranked.get(i))) {
                hits.add(ranked.get(i));
            }
        }
        return hits.size() / (double) DEPTH;
    }

    /** 1 / the 1-based rank of the first relevant id among the first 10, or 0. */
    static double reciprocalRank(List<String> ranked, Set<String> relevant) {
        for (int i = 0; i < Math.min(DEPTH, ranked.size()); i++) {
            if (relevant.contains(ranked.get(i))) {
                return 1.0 / (i + 1);
            }
        }
        return 0;
    }

    /**
     * Where outlet copies rank among their Luma products' lookalikes, split by whether the photo bytes are the
     * same: {@code hitAt1} the share ranked first, {@code mrr} as above (cut at 10).
     */
    public record SameItemScore(int sameBytes, double sameBytesHitAt1, double sameBytesMrr, int reencoded,
                                double reencodedHitAt1, double reencodedMrr) {
        public String markdown() {
            return "| outlet copy | pairs | hit@1 | MRR |\n|---|---|---|---|\n"
                    + "| same photo bytes | " + sameBytes + " | " + f(sameBytesHitAt1) + " | " + f(sameBytesMrr) + " |\n"
                    + "| photo re-encoded | " + reencoded + " | " + f(reencodedHitAt1) + " | " + f(reencodedMrr) + " |\n";
        }
    }

    /**
     * Scores a lookalike search on the same-item cases.
     *
     * @param lookalikes a Luma product's id to the ids of the products that look like it, best first (itself left
     *                   out)
     */
    public static SameItemScore lookalikes(List<SameItem> pairs, Function<String, List<String>> lookalikes) {
        double[] hit = new double[2];
        double[] rr = new double[2];
        int[] n = new int[2];
        for (SameItem pair : pairs) {
            int k = pair.sameBytes() ? 0 : 1;
            List<String> ranked = lookalikes.apply(pair.lumaId());
            n[k]++;
            hit[k] += !ranked.isEmpty() && ranked.get(0).equals(pair.outletId()) ? 1 : 0;
            rr[k] += reciprocalRank(ranked, Set.of(pair.outletId()));
        }
        return new SameItemScore(n[0], hit[0] / Math.max(1, n[0]), rr[0] / Math.max(1, n[0]), n[1],
                hit[1] / Math.max(1, n[1]), rr[1] / Math.max(1, n[1]));
    }

    /**
     * How results group the same item sold by two shops.
     *
     * @param falseMerges   pairs whose group held some other product too
     */
    public record GroupingScore(int pairs, int groupedSameBytes, int sameBytes, int groupedReencoded, int reencoded,
                                int falseMerges) {
        public int grouped() {
            return groupedSameBytes + groupedReencoded;
        }

        public String markdown() {
            return "| outlet copy | grouped with its Luma product |\n|---|---|\n"
                    + "| same photo bytes | " + groupedSameBytes + " / " + sameBytes + " |\n"
                    + "| photo re-encoded | " + groupedReencoded + " / " + reencoded + " |\n"
                    + "| false merges | " + falseMerges + " |\n";
        }
    }

    /**
     * Scores grouping on the same-item cases. Each item is sold by two shops at most, so a group that holds anything
     * but the pair is a false merge.
     *
     * @param groupOf a Luma product's id to the ids of every product its result groups with it (itself included;
     *                just itself when ungrouped)
     */
    public static GroupingScore grouping(List<SameItem> pairs, Function<String, Set<String>> groupOf) {
        int sameBytes = 0;
        int reencoded = 0;
        int groupedSame = 0;
        int groupedRe = 0;
        int falseMerges = 0;
        for (SameItem pair : pairs) {
            Set<String> group = groupOf.apply(pair.lumaId());
            boolean together = group.contains(pair.outletId());
            if (pair.sameBytes()) {
                sameBytes++;
                groupedSame += together ? 1 : 0;
            } else {
                reencoded++;
                groupedRe += together ? 1 : 0;
            }
            Set<String> others = new HashSet<>(group);
            others.remove(pair.lumaId());
            others.remove(pair.outletId());
            falseMerges += others.isEmpty() ? 0 : 1;
        }
        return new GroupingScore(pairs.size(), groupedSame, sameBytes, groupedRe, reencoded, falseMerges);
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
