package dev.lookalike.scrape.extract;

import com.fasterxml.jackson.databind.JsonNode;
import org.jsoup.Jsoup;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads a schema.org {@code Product} or {@code ProductGroup} (by {@code @type} or {@code additionalType})
 * held as a JSON tree, whichever markup it came in (JSON-LD as is; microdata and RDFa converted by
 * {@link HtmlItems}): {@code offers} as an object or array, {@code AggregateOffer}'s {@code lowPrice},
 * {@code priceSpecification}, prices as numbers or strings, brand as text or {@code Brand}, images as
 * URLs or {@code ImageObject}s, and the variants of a {@code ProductGroup} ({@code hasVariant}) folded
 * into one product with every variant's photos and the lowest price.
 */
final class SchemaOrg {

    static final Set<String> PRODUCT_TYPES = Set.of("product", "productgroup", "individualproduct",
            "productmodel", "someproducts");

    /** Nodes with an {@code @id} and content, for resolving references such as {@code {"@id":"#offer"}}. */
    private final Map<String, JsonNode> byId = new HashMap<>();
    private final String base;

    SchemaOrg(String base) {
        this.base = base;
    }

    /** Remembers every identified node under {@code root} so references to it resolve. */
    void index(JsonNode root) {
        if (root == null) {
            return;
        }
        if (root.isObject()) {
            JsonNode id = root.get("@id");
            if (id != null && id.isTextual() && root.size() > 1) {
                byId.putIfAbsent(id.asText(), root);
            }
            root.elements().forEachRemaining(this::index);
        } else if (root.isArray()) {
            root.forEach(this::index);
        }
    }

    /** The node itself, or the node a bare {@code {"@id": …}} refers to. */
    JsonNode deref(JsonNode n) {
        if (n != null && n.isObject() && n.size() == 1 && n.has("@id")) {
            JsonNode target = byId.get(n.get("@id").asText());
            return target != null ? target : n;
        }
        return n;
    }

    /** A node typed as a product, by {@code @type} or by a schema.org {@code additionalType}. */
    static boolean isProduct(JsonNode n) {
        for (String t : productTypes(n)) {
            if (PRODUCT_TYPES.contains(t)) {
                return true;
            }
        }
        return false;
    }

    static boolean isGroup(JsonNode n) {
        return productTypes(n).contains("productgroup");
    }

    /**
     * The node's types and its schema.org {@code additionalType}s, as lower-case local names: a film
     * sold in a shop is {@code "@type": "Movie", "additionalType": "https://schema.org/Product"}
     * (schema.org's way to add a type where markup takes one, as microdata's {@code itemtype} does).
     */
    private static List<String> productTypes(JsonNode n) {
        List<String> out = types(n);
        if (n == null || !n.isObject()) {
            return out;
        }
        for (JsonNode one : values(n.get("additionalType"))) {
            String term = schemaTerm(one.isObject() ? first(text(one.get("@id")), text(one)) : text(one));
            if (term != null) {
                out.add(term.toLowerCase(Locale.ROOT));
            }
        }
        return out;
    }

    /**
     * A schema.org term's local name: {@code https://schema.org/Product}, {@code schema:Product} or a bare
     * {@code Product}; null for other vocabularies (productontology.org's types name what a product is,
     * not that it is one).
     */
    private static String schemaTerm(String s) {
        if (s == null) {
            return null;
        }
        String v = s.strip();
        String lower = v.toLowerCase(Locale.ROOT);
        for (String prefix : List.of("https://schema.org/", "http://schema.org/", "https://www.schema.org/",
                "http://www.schema.org/", "schema:")) {
            if (lower.startsWith(prefix)) {
                return v.substring(prefix.length());
            }
        }
        return v.indexOf(':') < 0 && v.indexOf('/') < 0 && !v.isEmpty() ? v : null;
    }

    /** The node's types as lower-case local names ({@code http://schema.org/Offer} → {@code offer}). */
    static List<String> types(JsonNode n) {
        List<String> out = new ArrayList<>();
        if (n == null || !n.isObject()) {
            return out;
        }
        JsonNode t = n.get("@type");
        if (t == null) {
            return out;
        }
        for (JsonNode one : t.isArray() ? t : List.of(t)) {
            if (one.isTextual()) {
                out.add(localName(one.asText()).toLowerCase(Locale.ROOT));
            }
        }
        return out;
    }

    static String localName(String s) {
        String v = s.strip();
        int cut = Math.max(v.lastIndexOf('/'), Math.max(v.lastIndexOf('#'), v.lastIndexOf(':')));
        return cut >= 0 ? v.substring(cut + 1) : v;
    }

    /** What the product node says. */
    Found read(JsonNode product, String source) {
        Found f = new Found(source);
        readInto(product, f, 0);
        return f;
    }

    private void readInto(JsonNode p, Found f, int depth) {
        f.url = first(f.url, Urls.resolve(base, text(p.get("url"))));
        f.name = first(f.name, text(p.get("name")));
        f.description = first(f.description, plain(text(p.get("description"))));
        f.brand = first(f.brand, nameOf(p.get("brand")));
        if (f.brand == null) {
            f.brand = nameOf(p.get("manufacturer"));
        }
        f.sku = first(f.sku, first(text(p.get("sku")), first(text(p.get("productGroupID")),
                first(text(p.get("mpn")), text(p.get("productID"))))));
        f.category = first(f.category, category(p.get("category")));
        for (JsonNode img : values(p.get("image"))) {
            f.addImage(imageUrl(img));
        }
        for (JsonNode offer : values(p.get("offers"))) {
            readOffer(deref(offer), f, 0);
        }
        if (depth == 0) {
            for (JsonNode variant : values(p.get("hasVariant"))) {
                JsonNode v = deref(variant);
                if (v != null && v.isObject()) {
                    Found vf = new Found(f.source);
                    readInto(v, vf, depth + 1);
                    vf.images.forEach(f::addImage);
                    f.offerPrice(vf.price, vf.currency);
                    if (f.availability == null) {
                        f.availability = vf.availability;
                    }
                    if (f.brand == null) {
                        f.brand = vf.brand;
                    }
                }
            }
        }
    }

    private void readOffer(JsonNode offer, Found f, int depth) {
        if (offer == null || !offer.isObject() || depth > 2) {
            return;
        }
        String currency = Prices.currency(text(offer.get("priceCurrency")));
        Double price = amount(offer.get("price"));
        if (price == null) {
            price = amount(offer.get("lowPrice"));
        }
        if (price == null) {
            for (JsonNode spec : values(offer.get("priceSpecification"))) {
                JsonNode s = deref(spec);
                Double p = amount(s.get("price"));
                if (p != null) {
                    price = p;
                    currency = first(currency, Prices.currency(text(s.get("priceCurrency"))));
                    break;
                }
            }
        }
        if (price != null && currency == null) {
            // "price": "€12.99": the data named its currency by symbol
            currency = Prices.parse(text(offer.get("price"))).map(Prices.Money::currency).orElse(null);
        }
        f.offerPrice(price, currency);
        String availability = text(offer.get("availability"));
        if (f.availability == null && availability != null) {
            f.availability = localName(availability);
        }
        f.sku = first(f.sku, text(offer.get("sku")));
        for (JsonNode inner : values(offer.get("offers"))) {
            readOffer(deref(inner), f, depth + 1);
        }
    }

    private static Double amount(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        if (n.isNumber()) {
            return n.asDouble();
        }
        if (n.isArray() && n.size() > 0) {
            return amount(n.get(0));
        }
        return n.isTextual() ? Prices.structured(n.asText()) : null;
    }

    private String imageUrl(JsonNode img) {
        JsonNode n = deref(img);
        if (n == null) {
            return null;
        }
        if (n.isTextual()) {
            return Urls.resolve(base, n.asText());
        }
        if (n.isObject()) {
            String url = first(text(n.get("contentUrl")), text(n.get("url")));
            if (url == null && n.get("@id") != null) {
                url = n.get("@id").asText();
            }
            return Urls.resolve(base, url);
        }
        return null;
    }

    private String nameOf(JsonNode n) {
        for (JsonNode one : values(n)) {
            JsonNode v = deref(one);
            if (v.isTextual()) {
                String s = clean(v.asText());
                if (s != null) {
                    return s;
                }
            } else if (v.isObject()) {
                String s = text(v.get("name"));
                if (s != null) {
                    return s;
                }
            }
        }
        return null;
    }

    private String category(JsonNode n) {
        List<String> parts = new ArrayList<>();
        for (JsonNode one : values(n)) {
            JsonNode v = deref(one);
            String s = v.isObject() ? text(v.get("name")) : text(v);
            if (s != null) {
                parts.add(s);
            }
        }
        return parts.isEmpty() ? null : String.join(" > ", parts);
    }

    /** The names of a {@code BreadcrumbList}, joined with " > ", or null. */
    String breadcrumb(JsonNode list) {
        List<String> parts = new ArrayList<>();
        for (JsonNode item : values(list.get("itemListElement"))) {
            JsonNode li = deref(item);
            String name = text(li.get("name"));
            JsonNode thing = deref(li.get("item"));
            if (name == null && thing != null && thing.isObject()) {
                name = text(thing.get("name"));
            }
            if (name != null) {
                parts.add(name);
            }
        }
        return parts.isEmpty() ? null : String.join(" > ", parts);
    }

    /** The elements of an array, or the single value as a one-element list; empty for null. */
    static List<JsonNode> values(JsonNode n) {
        List<JsonNode> out = new ArrayList<>();
        if (n == null || n.isNull()) {
            return out;
        }
        if (n.isArray()) {
            n.forEach(out::add);
        } else {
            out.add(n);
        }
        return out;
    }

    /** Text of a value: a string, a number, the first of an array, an object's {@code @value}. */
    static String text(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        if (n.isArray()) {
            for (JsonNode one : n) {
                String s = text(one);
                if (s != null) {
                    return s;
                }
            }
            return null;
        }
        if (n.isObject()) {
            return text(n.get("@value"));
        }
        return clean(n.asText());
    }

    /** Whitespace collapsed, entities a shop double-escaped decoded; null when nothing is left. */
    static String clean(String s) {
        if (s == null) {
            return null;
        }
        String v = s;
        if (v.indexOf('&') >= 0) {
            v = org.jsoup.parser.Parser.unescapeEntities(v, false);
        }
        v = v.replaceAll("[\\s\u00a0]+", " ").strip();
        return v.isEmpty() ? null : v;
    }

    /** Text without the HTML some shops put into descriptions. */
    static String plain(String s) {
        if (s == null || s.indexOf('<') < 0) {
            return s;
        }
        return clean(Jsoup.parse(s).text());
    }

    static String first(String a, String b) {
        return a != null ? a : b;
    }
}
