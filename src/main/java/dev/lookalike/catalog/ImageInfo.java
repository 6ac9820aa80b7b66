package dev.lookalike.catalog;

/**
 * One distinct photo. {@code id} is the lowercase hex SHA-256 of its bytes; {@code width},
 * {@code height} and {@code format} are null and {@code error} says why when the bytes do not decode.
 */
public record ImageInfo(String id, Integer width, Integer height, String format, long size, String error) {

    /** The catalogue id of these image bytes. */
    public static String idOf(byte[] bytes) {
        return Product.sha256Hex(bytes);
    }
}
