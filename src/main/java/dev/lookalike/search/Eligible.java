package dev.lookalike.search;

import java.util.BitSet;
import java.util.function.IntPredicate;

/**
 * The products a look query may return, by product index: every product with a photo but those in
 * {@code out} (the product asked about, products holding a word the query leaves out) and, when
 * {@code in} is not null, only those in it (products holding every required word). Two sets rather
 * than any predicate so that an index elsewhere can be told them (as a Solr filter query).
 */
public record Eligible(BitSet out, BitSet in) implements IntPredicate {

    public Eligible {
        out = (BitSet) out.clone();
        in = in == null ? null : (BitSet) in.clone();
    }

    /** Every product. */
    public static final Eligible ALL = new Eligible(new BitSet(), null);

    /**
     * {@code eligible} as sets: itself when it is an {@code Eligible}, {@link #ALL} for null.
     *
     * @throws IllegalArgumentException for any other predicate, which no remote index could be told
     */
    static Eligible of(IntPredicate eligible) {
        if (eligible == null) {
            return ALL;
        }
        if (eligible instanceof Eligible e) {
            return e;
        }
        throw new IllegalArgumentException("a remote index takes the eligible products as sets, not as a predicate");
    }

    @Override
    public boolean test(int product) {
        return !out.get(product) && (in == null || in.get(product));
    }

    /** Whether every product is eligible. */
    public boolean isAll() {
        return out.isEmpty() && in == null;
    }
}
