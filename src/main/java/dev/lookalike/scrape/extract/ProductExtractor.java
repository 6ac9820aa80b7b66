package dev.lookalike.scrape.extract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Finds the product a shop page is about, with no knowledge of the shop: schema.org JSON-LD first,
 * then microdata, then RDFa, then OpenGraph ({@code og:type=product}, {@code product:price:amount}).
 * Each field comes from the most trusted source that has it; a price keeps the currency of its own
 * source (a lower source's currency is borrowed only when it states the same amount). Broken JSON-LD
 * is passed over and the other sources still count. Thread-safe.
 */
public final class ProductExtractor {

    /** Lenient as browsers are: shops ship raw line breaks in strings, trailing commas, comments. */
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_UNESCAPED_CONTROL_CHARS, JsonReadFeature.ALLOW_TRAILING_COMMA,
                    JsonReadFeature.ALLOW_JAVA_COMMENTS, JsonReadFeature.ALLOW_SINGLE_QUOTES,
                    JsonReadFeature.ALLOW_BACKSLASH_ESCAPING_ANY_CHARACTER,
                    JsonReadFeature.ALLOW_LEADING_DECIMAL_POINT_FOR_NUMBERS)
            .build();

    private ProductExtractor() {}

    /** What a page says, source by source, before merging (for diagnostics and recipes). */
    public record Reading(Optional<ScrapedProduct> product, List<String> problems) {}

    /**
     * The page's product, or empty when the page describes none (a listing, an article).
     * {@code doc.location()} must be the page's URL.
     */
    public static Optional<ScrapedProduct> extract(Document doc) {
        return read(doc).product();
    }

    /** The page's product and the problems met on the way (JSON-LD that does not parse). */
    public static Reading read(Document doc) {
        String base = doc.location();
        List<String> problems = new ArrayList<>();
        SchemaOrg schema = new SchemaOrg(base);
        List<JsonNode> ldRoots = new ArrayList<>();
        for (Element script : doc.select("script[type~=(?i)application/ld\\+json]")) {
            String text = script.data().strip();
            if (text.startsWith("<!--")) {
                text = text.substring(4);
            }
            if (text.endsWith("-->")) {
                text = text.substring(0, text.length() - 3);
            }
            if (text.isBlank()) {
                continue;
            }
            try {
                JsonNode root = JSON.readTree(text);
                ldRoots.add(root);
                schema.index(root);
            } catch (JsonProcessingException e) {
                problems.add("JSON-LD block does not parse: " + e.getOriginalMessage());
            }
        }
        List<JsonNode> ldNodes = new ArrayList<>();
        for (JsonNode root : ldRoots) {
            flatten(root, schema, ldNodes, 0);
        }
        List<Found> sources = new ArrayList<>();
        String canonical = canonical(doc);
        pick(ldNodes, canonical, schema).ifPresent(n -> sources.add(schema.read(n, "json-ld")));
        List<JsonNode> micro = new ArrayList<>(HtmlItems.microdata(doc));
        micro.forEach(schema::index);
        pick(micro, canonical, schema).ifPresent(n -> sources.add(schema.read(n, "microdata")));
        List<JsonNode> rdfa = new ArrayList<>(HtmlItems.rdfa(doc));
        pick(rdfa, canonical, schema).ifPresent(n -> sources.add(schema.read(n, "rdfa")));
        Found og = OpenGraph.read(doc);
        if (og != null) {
            sources.add(og);
        }
        if (sources.isEmpty()) {
            return new Reading(Optional.empty(), problems);
        }
        String crumbs = breadcrumb(ldNodes, micro, rdfa, schema);
        return new Reading(merge(sources, doc, canonical, crumbs), problems);
    }

    /** Top-level JSON-LD nodes: arrays and {@code @graph}s opened, a page's {@code mainEntity} included. */
    private static void flatten(JsonNode n, SchemaOrg schema, List<JsonNode> out, int depth) {
        if (n == null || depth > 4) {
            return;
        }
        if (n.isArray()) {
            n.forEach(x -> flatten(x, schema, out, depth + 1));
            return;
        }
        if (!n.isObject()) {
            return;
        }
        JsonNode node = schema.deref(n);
        if (node.has("@graph")) {
            flatten(node.get("@graph"), schema, out, depth + 1);
        }
        if (node.has("@type")) {
            out.add(node);
        }
        for (String key : List.of("mainEntity", "mainEntityOfPage", "about")) {
            JsonNode inner = schema.deref(node.get(key));
            if (inner != null && inner.isObject() && SchemaOrg.isProduct(inner)) {
                out.add(inner);
            }
        }
    }

    /**
     * The main product among top-level nodes: a {@code ProductGroup} before its variants, then the one
     * whose URL is the page's, then the first. Nodes without a name, offer or image are not products.
     */
    private static Optional<JsonNode> pick(List<JsonNode> nodes, String canonical, SchemaOrg schema) {
        List<JsonNode> products = new ArrayList<>();
        for (JsonNode n : nodes) {
            if (SchemaOrg.isProduct(n) && (n.hasNonNull("name") || n.hasNonNull("offers") || n.hasNonNull("hasVariant"))
                    && !products.contains(n)) {
                products.add(n);
            }
        }
        if (products.isEmpty()) {
            return Optional.empty();
        }
        for (JsonNode n : products) {
            if (SchemaOrg.isGroup(n)) {
                return Optional.of(n);
            }
        }
        for (JsonNode n : products) {
            String url = Urls.normalise(Urls.resolve(canonical, SchemaOrg.text(n.get("url"))));
            if (url != null && url.equals(Urls.normalise(canonical))) {
                return Optional.of(n);
            }
        }
        return Optional.of(products.get(0));
    }

    private static String breadcrumb(List<JsonNode> ld, List<JsonNode> micro, List<JsonNode> rdfa, SchemaOrg schema) {
        for (List<JsonNode> nodes : List.of(ld, micro, rdfa)) {
            for (JsonNode n : nodes) {
                if (SchemaOrg.types(n).contains("breadcrumblist")) {
                    String crumbs = schema.breadcrumb(n);
                    if (crumbs != null) {
                        return crumbs;
                    }
                }
            }
        }
        return null;
    }

    /** The page's own URL for its product: {@code rel=canonical} on the same host, else where it was fetched. */
    static String canonical(Document doc) {
        String location = doc.location();
        String host = Urls.host(location);
        for (String candidate : java.util.Arrays.asList(
                attr(doc.selectFirst("link[rel~=(?i)^canonical$][href]"), "abs:href"),
                attr(doc.selectFirst("meta[property=og:url][content]"), "abs:content"))) {
            String url = Urls.normalise(candidate);
            if (url != null && Objects.equals(Urls.host(url), host)) {
                return url;
            }
        }
        String url = Urls.normalise(location);
        return url != null ? url : location;
    }

    private static String attr(Element el, String name) {
        return el == null ? null : el.attr(name);
    }

    private static Optional<ScrapedProduct> merge(List<Found> sources, Document doc, String canonical, String crumbs) {
        String name = null;
        String source = null;
        for (Found f : sources) {
            if (f.name != null) {
                name = f.name;
                source = f.source;
                break;
            }
        }
        Double price = null;
        String currency = null;
        for (Found f : sources) {
            if (f.price != null) {
                price = f.price;
                currency = f.currency;
                break;
            }
        }
        if (price != null && currency == null) {
            for (Found f : sources) {
                if (f.currency != null && price.equals(f.price)) {
                    currency = f.currency;
                    break;
                }
            }
        }
        List<String> images = List.of();
        for (Found f : sources) {
            if (!f.images.isEmpty()) {
                images = f.images;
                break;
            }
        }
        if (name == null) {
            // Structured data without a name (partial markup): the page's heading names the product.
            if (price == null && images.isEmpty()) {
                return Optional.empty();
            }
            Element h1 = doc.selectFirst("h1");
            name = SchemaOrg.clean(h1 != null ? h1.text() : doc.title());
            source = sources.get(0).source;
            if (name == null) {
                return Optional.empty();
            }
        }
        String brand = null;
        String description = null;
        String category = null;
        String availability = null;
        String sku = null;
        for (Found f : sources) {
            brand = SchemaOrg.first(brand, f.brand);
            description = SchemaOrg.first(description, f.description);
            category = SchemaOrg.first(category, f.category);
            availability = SchemaOrg.first(availability, f.availability);
            sku = SchemaOrg.first(sku, f.sku);
        }
        return Optional.of(new ScrapedProduct(canonical, name, price, currency, brand, description,
                SchemaOrg.first(category, crumbs), availability(availability), sku,
                images, source));
    }

    /** schema.org's availability term ({@code InStock}); OpenGraph's words ({@code in stock}) mapped to it. */
    static String availability(String value) {
        if (value == null) {
            return null;
        }
        String v = SchemaOrg.localName(value);
        switch (v.toLowerCase(Locale.ROOT).replaceAll("[\\s_-]", "")) {
            case "instock":
                return "InStock";
            case "outofstock":
                return "OutOfStock";
            case "preorder":
                return "PreOrder";
            case "backorder":
                return "BackOrder";
            case "discontinued":
                return "Discontinued";
            case "limitedavailability":
                return "LimitedAvailability";
            default:
                return v.isEmpty() ? null : v;
        }
    }
}
