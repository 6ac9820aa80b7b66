package dev.lookalike.web;

import dev.lookalike.catalog.Product;

import java.util.List;

/**
 * A product with its photos (this app's URLs, shop order), the other shops' offers of the same item
 * ({@code offers}, cheapest first; empty when no other shop sells it) and the URLs of its lookalikes.
 * Fields the shop did not give are null.
 */
public record ApiProduct(String id, String name, Double price, String currency, String url, String brand, String shop,
                         String category, String description, List<String> images,
                         List<ApiResult.ApiOffer> offers, String similar, String cheaper) {

    static ApiProduct of(Product p, List<String> imageIds, List<ApiResult.ApiOffer> otherOffers) {
        return new ApiProduct(p.id(), p.name(), p.price(), p.currency(), p.url(), p.brand(), p.shop(), p.category(),
                p.description(), imageIds.stream().map(Links::image).toList(), otherOffers,
                "/api/products/" + p.id() + "/similar", "/api/products/" + p.id() + "/similar?cheaper=true");
    }
}
