package dev.lookalike.scrape.extract;

import java.util.List;
import java.util.Objects;

/**
 * A product as read from one shop page. Every field but {@code url}, {@code name} and {@code images}
 * may be null when the page does not say; {@code currency} is an ISO 4217 code or null, never a
 * guess; {@code images} are absolute URLs of full-size photos (all variants'), in shop order.
 *
 * @param availability schema.org's term without its prefix ({@code InStock}, {@code OutOfStock}, …)
 *                     or the shop's own words
 * @param source       where the name came from: {@code recipe}, {@code json-ld}, {@code microdata},
 *                     {@code rdfa} or {@code opengraph}
 */
public record ScrapedProduct(String url, String name, Double price, String currency, String brand,
                             String description, String category, String availability, String sku,
                             List<String> images, String source) {

    public ScrapedProduct {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(name, "name");
        images = List.copyOf(images);
    }
}
