package dev.lookalike.scrape;

import dev.lookalike.scrape.extract.ImageUrls;
import dev.lookalike.scrape.extract.Prices;
import dev.lookalike.scrape.extract.ScrapedProduct;
import dev.lookalike.scrape.extract.Urls;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.select.Elements;
import org.jsoup.select.Selector;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A shop's recipe ({@code scraper/*.yaml}): where to start, which links to follow, which pages are
 * products, and CSS selectors for what the shop's structured data lacks. The format is documented in
 * {@code scraper/README.md}. A recipe's field wins over structured data; a required field whose
 * selector matches nothing on a product page is a {@link RecipeMismatchException} naming the
 * selector and the URL.
 */
public final class Recipe {

    static final Set<String> FIELDS = Set.of("name", "price", "currency", "brand", "description", "category",
            "availability", "sku", "images");

    /** One field's selector: the CSS query, the attribute to read (or text), whether it may be absent. */
    record Field(String name, String css, String attr, boolean optional, boolean all, String join) {

        /** The field's value on the page, or null when an optional selector matches nothing. */
        String value(Document doc) throws RecipeMismatchException {
            Elements found = doc.select(css);
            if (found.isEmpty()) {
                if (optional) {
                    return null;
                }
                throw new RecipeMismatchException("recipe selector '" + css + "' for " + name
                        + " matched nothing on " + doc.location());
            }
            if (!all) {
                return read(found.first());
            }
            List<String> parts = new ArrayList<>();
            for (Element el : found) {
                String v = read(el);
                if (v != null && !v.isBlank()) {
                    parts.add(v.strip());
                }
            }
            return parts.isEmpty() ? null : String.join(join, parts);
        }

        /** Every photo URL the selector finds, resolved; empty when optional and nothing matches. */
        List<String> images(Document doc) throws RecipeMismatchException {
            Elements found = doc.select(css);
            if (found.isEmpty() && !optional) {
                throw new RecipeMismatchException("recipe selector '" + css + "' for images matched nothing on "
                        + doc.location());
            }
            List<String> out = new ArrayList<>();
            for (Element el : found) {
                String url = attr != null ? Urls.resolve(el.baseUri(), el.attr(attr)) : ImageUrls.best(el);
                if (url != null && !out.contains(url)) {
                    out.add(url);
                }
            }
            return out;
        }

        private String read(Element el) {
            if (attr == null) {
                return el.text();
            }
            return attr.equals("href") || attr.equals("src") ? el.absUrl(attr) : el.attr(attr);
        }
    }

    private final String name;
    private final List<String> start;
    private final List<Pattern> follow;
    private final Pattern products;
    private final String currency;
    private final Map<String, Field> fields;
    private final Map<String, Object> crawl;

    private Recipe(String name, List<String> start, List<Pattern> follow, Pattern products, String currency,
                   Map<String, Field> fields, Map<String, Object> crawl) {
        this.name = name;
        this.start = start;
        this.follow = follow;
        this.products = products;
        this.currency = currency;
        this.fields = fields;
        this.crawl = crawl;
    }

    /**
     * Reads a recipe file.
     *
     * @throws IOException when it cannot be read
     * @throws IllegalArgumentException when it is not a valid recipe; the message names the key
     */
    public static Recipe load(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        String fallback = file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
        return parse(text, fallback, file.toString());
    }

    /** Parses recipe text; {@code where} names it in messages. */
    static Recipe parse(String text, String defaultName, String where) {
        Object root;
        try {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        } catch (YAMLException e) {
            throw new IllegalArgumentException(where + " is not valid YAML: " + e.getMessage());
        }
        if (!(root instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException(where + " must be a YAML mapping (start:, fields:, …)");
        }
        for (Object key : map.keySet()) {
            if (!Set.of("name", "start", "follow", "products", "currency", "fields", "crawl").contains(String.valueOf(key))) {
                throw new IllegalArgumentException(where + ": unknown key '" + key
                        + "' (known: name, start, follow, products, currency, fields, crawl)");
            }
        }
        String name = map.get("name") != null ? String.valueOf(map.get("name")) : defaultName;
        List<String> start = new ArrayList<>();
        for (String s : strings(map.get("start"), where, "start")) {
            String url = Urls.normalise(s);
            if (url == null) {
                throw new IllegalArgumentException(where + ": start URL '" + s + "' is not an absolute http(s) URL");
            }
            start.add(url);
        }
        if (start.isEmpty()) {
            throw new IllegalArgumentException(where + ": 'start' must name at least one URL");
        }
        List<Pattern> follow = new ArrayList<>();
        for (String s : strings(map.get("follow"), where, "follow")) {
            follow.add(regex(s, where, "follow"));
        }
        Pattern products = map.get("products") == null ? null : regex(String.valueOf(map.get("products")), where, "products");
        String currency = null;
        if (map.get("currency") != null) {
            currency = Prices.currency(String.valueOf(map.get("currency")));
            if (currency == null) {
                throw new IllegalArgumentException(where + ": currency '" + map.get("currency")
                        + "' is not an ISO 4217 code");
            }
        }
        Map<String, Field> fields = new LinkedHashMap<>();
        Object rawFields = map.get("fields");
        if (rawFields != null) {
            if (!(rawFields instanceof Map<?, ?> fm)) {
                throw new IllegalArgumentException(where + ": 'fields' must map field names to selectors");
            }
            for (Map.Entry<?, ?> e : fm.entrySet()) {
                String field = String.valueOf(e.getKey());
                if (!FIELDS.contains(field)) {
                    throw new IllegalArgumentException(where + ": unknown field '" + field + "' (known: "
                            + String.join(", ", new java.util.TreeSet<>(FIELDS)) + ")");
                }
                fields.put(field, field(field, e.getValue(), where));
            }
        }
        Map<String, Object> crawl = new LinkedHashMap<>();
        if (map.get("crawl") instanceof Map<?, ?> cm) {
            for (Map.Entry<?, ?> e : cm.entrySet()) {
                String key = String.valueOf(e.getKey());
                if (!Set.of("delay_ms", "concurrency", "max_pages", "user_agent").contains(key)) {
                    throw new IllegalArgumentException(where + ": unknown crawl setting '" + key
                            + "' (known: delay_ms, concurrency, max_pages, user_agent)");
                }
                crawl.put(key, e.getValue());
            }
        }
        return new Recipe(name, List.copyOf(start), List.copyOf(follow), products, currency, fields, crawl);
    }

    private static Field field(String field, Object spec, String where) {
        String css;
        String attr = null;
        boolean optional = false;
        boolean all = field.equals("category") || field.equals("images");
        String join = " > ";
        if (spec instanceof String s) {
            css = s;
        } else if (spec instanceof Map<?, ?> m) {
            css = m.get("css") == null ? null : String.valueOf(m.get("css"));
            attr = m.get("attr") == null ? null : String.valueOf(m.get("attr"));
            optional = Boolean.TRUE.equals(m.get("optional"));
            if (m.get("all") != null) {
                all = Boolean.TRUE.equals(m.get("all"));
            }
            if (m.get("join") != null) {
                join = String.valueOf(m.get("join"));
            }
        } else {
            throw new IllegalArgumentException(where + ": field '" + field + "' must be a CSS selector or {css: …}");
        }
        if (css == null || css.isBlank()) {
            throw new IllegalArgumentException(where + ": field '" + field + "' has no css selector");
        }
        try {
            Selector.evaluatorOf(css);
        } catch (Selector.SelectorParseException e) {
            throw new IllegalArgumentException(where + ": field '" + field + "': bad CSS selector '" + css + "': "
                    + e.getMessage());
        }
        return new Field(field, css, attr, optional, all, join);
    }

    private static List<String> strings(Object v, String where, String key) {
        List<String> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        if (v instanceof List<?> list) {
            for (Object o : list) {
                out.add(String.valueOf(o));
            }
        } else {
            out.add(String.valueOf(v));
        }
        return out;
    }

    private static Pattern regex(String s, String where, String key) {
        try {
            return Pattern.compile(s);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(where + ": '" + key + "' pattern '" + s + "' is not a valid regular expression: "
                    + e.getDescription());
        }
    }

    public String name() {
        return name;
    }

    /** The start URLs, normalised. */
    public List<String> start() {
        return start;
    }

    /** Whether a link to {@code url} should be followed: it matches a {@code follow} or {@code products} pattern (or no patterns are given). */
    boolean follows(String url) {
        if (follow.isEmpty()) {
            return true;
        }
        for (Pattern p : follow) {
            if (p.matcher(url).find()) {
                return true;
            }
        }
        return products != null && products.matcher(url).find();
    }

    /**
     * Whether the recipe's fields apply to the page at {@code url}: it matches {@code products}; without
     * that pattern, any page where structured data found a product.
     */
    boolean isProductPage(String url, boolean structuredProduct) {
        return products == null ? structuredProduct : products.matcher(url).find();
    }

    /** The options with the recipe's crawl settings applied (command-line options are applied after). */
    public CrawlOptions apply(CrawlOptions options) {
        CrawlOptions o = options;
        if (crawl.get("delay_ms") instanceof Number n) {
            o = o.withDelay(java.time.Duration.ofMillis(n.longValue()));
        }
        if (crawl.get("concurrency") instanceof Number n) {
            o = o.withConcurrency(n.intValue());
        }
        if (crawl.get("max_pages") instanceof Number n) {
            o = o.withMaxPages(n.intValue());
        }
        if (crawl.get("user_agent") != null) {
            o = o.withUserAgent(String.valueOf(crawl.get("user_agent")));
        }
        return o;
    }

    /**
     * The product on a product page: the recipe's fields over what structured data found.
     *
     * @param generic what {@code ProductExtractor} found, or null
     * @return null when neither the recipe nor the structured data gives a name
     * @throws RecipeMismatchException when a required selector matches nothing
     */
    ScrapedProduct apply(Document doc, ScrapedProduct generic, String canonicalUrl) throws RecipeMismatchException {
        String pName = value(doc, "name");
        String priceText = value(doc, "price");
        String pCurrency = value(doc, "currency");
        String brand = value(doc, "brand");
        String description = value(doc, "description");
        String category = value(doc, "category");
        String availability = value(doc, "availability");
        String sku = value(doc, "sku");
        List<String> images = fields.containsKey("images") ? fields.get("images").images(doc) : List.of();

        Double price = generic != null ? generic.price() : null;
        String cur = generic != null ? generic.currency() : null;
        if (priceText != null) {
            Prices.Money money = Prices.parse(priceText).orElse(null);
            price = money == null ? null : money.amount();
            cur = money == null ? null : money.currency();
        }
        if (pCurrency != null) {
            cur = Prices.currency(pCurrency.strip());
        }
        if (price != null && cur == null) {
            cur = currency;
        }
        String finalName = pName != null ? pName.strip() : generic != null ? generic.name() : null;
        if (finalName == null || finalName.isBlank()) {
            return null;
        }
        return new ScrapedProduct(generic != null ? generic.url() : canonicalUrl, finalName, price, cur,
                or(brand, generic == null ? null : generic.brand()),
                or(description, generic == null ? null : generic.description()),
                or(category, generic == null ? null : generic.category()),
                or(availability, generic == null ? null : generic.availability()),
                or(sku, generic == null ? null : generic.sku()),
                !images.isEmpty() ? images : generic != null ? generic.images() : List.of(),
                pName != null ? "recipe" : generic.source());
    }

    private String value(Document doc, String field) throws RecipeMismatchException {
        Field f = fields.get(field);
        if (f == null) {
            return null;
        }
        String v = f.value(doc);
        return v == null || v.isBlank() ? null : v.strip();
    }

    private static String or(String a, String b) {
        return a != null ? a : b;
    }

    @Override
    public String toString() {
        return "recipe " + name + " " + start + " fields " + fields.keySet().stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
    }
}
