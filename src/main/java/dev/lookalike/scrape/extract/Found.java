package dev.lookalike.scrape.extract;

import java.util.ArrayList;
import java.util.List;

/** What one source (JSON-LD, microdata, …) says about the page's product; any field may be null. */
final class Found {
    final String source;
    String url;
    String name;
    Double price;
    String currency;
    String brand;
    String description;
    String category;
    String availability;
    String sku;
    final List<String> images = new ArrayList<>();

    Found(String source) {
        this.source = source;
    }

    void addImage(String url) {
        if (url != null && !images.contains(url)) {
            images.add(url);
        }
    }

    /** Takes a lower price (an offer among several, a cheaper variant); the first currency stays. */
    void offerPrice(Double amount, String cur) {
        if (amount == null || amount < 0 || amount.isNaN() || amount.isInfinite()) {
            return;
        }
        if (price == null) {
            price = amount;
            currency = cur;
        } else if (amount < price && (cur == null ? currency == null : cur.equals(currency))) {
            price = amount;
        }
    }
}
