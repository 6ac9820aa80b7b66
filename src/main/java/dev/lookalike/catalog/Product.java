package dev.lookalike.catalog;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A product as a shopper sees it. {@code price}, {@code currency}, {@code brand}, {@code shop},
 * {@code description} and {@code category} may be null when the shop does not say.
 */
public record Product(
        String id,
        String url,
        String name,
        Double price,
        String currency,
        String brand,
        String shop,
        String description,
        String category) {

    public Product {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(name, "name");
    }

    /** A product whose id is derived from its URL, so that re-scraping the same URL keeps the id. */
    public static Product of(String url, String name, Double price, String currency, String brand,
                             String shop, String description, String category) {
        return new Product(idFor(url), url, name, price, currency, brand, shop, description, category);
    }

    /** The stable id of the product at {@code url}: the first 16 hex digits of SHA-256 of the URL. */
    public static String idFor(String url) {
        return sha256Hex(url.getBytes(StandardCharsets.UTF_8)).substring(0, 16);
    }

    static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
