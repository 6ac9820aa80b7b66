package dev.lookalike.scrape.extract;

import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

import java.util.Locale;

/**
 * OpenGraph's product tags: {@code og:type=product} (or {@code product.item}), {@code og:title},
 * {@code og:image}, {@code product:price:amount}/{@code og:price:amount} with their currency,
 * {@code product:brand}, {@code product:availability}, {@code product:retailer_item_id}. Tags are read
 * from {@code property} or {@code name}, as shops write both.
 */
final class OpenGraph {

    private OpenGraph() {}

    /** The product the tags describe, or null when they describe none. */
    static Found read(Document doc) {
        String type = meta(doc, "og:type");
        String amount = first(doc, "product:price:amount", "og:price:amount", "product:sale_price:amount");
        boolean product = type != null && type.toLowerCase(Locale.ROOT).contains("product");
        if (!product && amount == null) {
            return null;
        }
        Found f = new Found("opengraph");
        f.name = SchemaOrg.clean(meta(doc, "og:title"));
        f.description = SchemaOrg.clean(meta(doc, "og:description"));
        f.url = Urls.resolve(doc.location(), meta(doc, "og:url"));
        String currency = Prices.currency(first(doc, "product:price:currency", "og:price:currency",
                "product:sale_price:currency"));
        Double price = Prices.structured(amount);
        if (price != null && currency == null) {
            currency = Prices.parse(amount).map(Prices.Money::currency).orElse(null);
        }
        f.offerPrice(price, currency);
        f.brand = SchemaOrg.clean(first(doc, "product:brand", "og:brand"));
        f.availability = SchemaOrg.clean(first(doc, "product:availability", "og:availability"));
        f.sku = SchemaOrg.clean(first(doc, "product:retailer_item_id", "product:sku"));
        f.category = SchemaOrg.clean(first(doc, "product:category", "article:section"));
        for (Element m : doc.select("meta[property~=^og:image(:url)?$], meta[name~=^og:image(:url)?$]")) {
            f.addImage(Urls.resolve(doc.location(), m.attr("content")));
        }
        return f;
    }

    private static String first(Document doc, String... names) {
        for (String n : names) {
            String v = meta(doc, n);
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    private static String meta(Document doc, String name) {
        Element el = doc.selectFirst("meta[property=" + name + "][content], meta[name=" + name + "][content]");
        if (el == null) {
            return null;
        }
        String v = el.attr("content").strip();
        return v.isEmpty() ? null : v;
    }
}
