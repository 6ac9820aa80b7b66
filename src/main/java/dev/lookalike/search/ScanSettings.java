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
 * @param int8Copy   with the first pass on and the float32 rows in the derived file: whether the int8 copy
 *                   stays on the heap as well (a quarter of the float32 bytes, 512 MB at a million 512-d
 *                   photos), for the candidates' bounds and the exact scans ({@link VectorIndex#scoreAtLeast});
 *                   without it only the binary codes are on the heap, candidates are scored from the file and
 *                   the exact scans read every float32 row of it (four times the int8 bytes)
 */
public record ScanSettings(Pass pass, int threshold, int candidates, boolean int8Copy) {

    /** Which first pass. */
    public enum Pass { EXACT, AUTO }

    /** The first pass from 100,000 photos on, 2,000 candidates. */
    public static final ScanSettings DEFAULTS = new ScanSettings(Pass.AUTO, 100_000, 2_000, true);

    /** The exact int8 scan at every size. */
    public static final ScanSettings EXACT = new ScanSettings(Pass.EXACT, Integer.MAX_VALUE, 0, true);

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

    /** Whether an index of {@code rows} photos whose float32 rows are not on the heap needs the int8 copy. */
    boolean needsInt8(int rows) {
        return int8Copy || !firstPass(rows);
    }
}
