package dev.lookalike.search;

/**
 * How {@link VectorIndex#scoreTop} finds a query's best products.
 *
 * @param pass       {@link Pass#EXACT}: the int8 scan with its error bound, exact answers at any size;
 *                   {@link Pass#AUTO}: from {@code threshold} photos on, a first pass over one bit per
 *                   dimension ({@link BinaryCodes}) picks {@code candidates} products whose photos are then
 *                   scored exactly (the scores are exact, the top is a measured approximation), below it the
 *                   exact scan
 * @param threshold  the number of photos from which {@code AUTO} uses the first pass
 * @param candidates how many products the first pass keeps for exact scoring (at least the k asked for)
 */
public record ScanSettings(Pass pass, int threshold, int candidates) {

    /** Which first pass. */
    public enum Pass { EXACT, AUTO }

    /** The first pass from 100,000 photos on, 2,000 candidates. */
    public static final ScanSettings DEFAULTS = new ScanSettings(Pass.AUTO, 100_000, 2_000);

    /** The exact int8 scan at every size. */
    public static final ScanSettings EXACT = new ScanSettings(Pass.EXACT, Integer.MAX_VALUE, 0);

    public ScanSettings {
        if (pass == null) {
            throw new IllegalArgumentException("the scan pass must be exact or auto");
        }
        if (threshold < 0 || candidates < 0) {
            throw new IllegalArgumentException("the scan threshold and candidates must be ≥ 0");
        }
    }

    /** Whether an index of {@code rows} photos takes the binary first pass. */
    boolean firstPass(int rows) {
        return pass == Pass.AUTO && rows >= threshold && rows > 0;
    }
}
