package dev.lookalike.search;

/**
 * A rectangle of a photo to search by, in the photo's own pixels: {@code x, y} its top-left corner,
 * {@code width, height} its size. As a URL parameter it reads {@code crop=x,y,w,h}.
 */
public record Crop(int x, int y, int width, int height) {

    /** The smallest side a crop may have: below this there is too little of the photo to match on. */
    public static final int MIN_SIDE = 8;

    /**
     * Parses {@code x,y,w,h} (whole numbers, no units).
     *
     * @return null for a null or blank value
     * @throws SearchException naming the parameter when the value is not four whole numbers
     */
    public static Crop parse(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String[] parts = value.strip().split("\\s*,\\s*");
        if (parts.length != 4) {
            throw new SearchException("crop must be four whole numbers x,y,width,height, got \"" + value.strip() + "\"");
        }
        int[] n = new int[4];
        for (int i = 0; i < 4; i++) {
            try {
                n[i] = Integer.parseInt(parts[i]);
            } catch (NumberFormatException e) {
                throw new SearchException("crop must be four whole numbers x,y,width,height, got \"" + value.strip()
                        + "\"");
            }
        }
        if (n[0] < 0 || n[1] < 0 || n[2] < MIN_SIDE || n[3] < MIN_SIDE) {
            throw new SearchException("crop must start at 0 or more and be at least " + MIN_SIDE
                    + " pixels wide and high, got \"" + value.strip() + "\"");
        }
        return new Crop(n[0], n[1], n[2], n[3]);
    }

    /**
     * This crop on a photo of the size given, its far edges clipped to the photo.
     *
     * @throws SearchException when the crop starts outside the photo or is left smaller than {@link #MIN_SIDE}
     */
    public Crop within(int photoWidth, int photoHeight) {
        int w = Math.min(width, photoWidth - x);
        int h = Math.min(height, photoHeight - y);
        if (w < MIN_SIDE || h < MIN_SIDE) {
            throw new SearchException("the crop " + this + " lies outside the photo, which is " + photoWidth + "×"
                    + photoHeight + " pixels");
        }
        return new Crop(x, y, w, h);
    }

    @Override
    public String toString() {
        return x + "," + y + "," + width + "," + height;
    }
}
