package dev.lookalike.scrape.extract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Microdata ({@code itemscope}/{@code itemtype}/{@code itemprop}, with {@code itemref}) and the cheap
 * part of RDFa ({@code typeof}/{@code property}, schema.org terms) turned into the JSON trees JSON-LD
 * gives, so one reader ({@link SchemaOrg}) interprets all three. Property names and types become
 * local names ({@code http://schema.org/price} and {@code schema:price} are both {@code price}).
 */
final class HtmlItems {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final int MAX_DEPTH = 12;

    private HtmlItems() {}

    /** The page's top-level microdata items: those that are no other item's property. */
    static List<ObjectNode> microdata(Document doc) {
        List<ObjectNode> out = new ArrayList<>();
        for (Element el : doc.select("[itemscope]")) {
            if (!el.hasAttr("itemprop")) {
                out.add(microItem(el, doc, 0, new HashSet<>()));
            }
        }
        return out;
    }

    private static ObjectNode microItem(Element scope, Document doc, int depth, Set<Element> seen) {
        ObjectNode item = JSON.objectNode();
        String type = scope.attr("itemtype").strip();
        if (!type.isEmpty()) {
            ArrayNode types = item.putArray("@type");
            for (String t : type.split("\\s+")) {
                types.add(SchemaOrg.localName(t));
            }
        }
        if (depth > MAX_DEPTH || !seen.add(scope)) {
            return item;
        }
        if (scope.hasAttr("additionalType")) {
            // not microdata, but written by shops: <div itemscope itemtype=".../Movie" additionalType=".../Product">
            for (String t : scope.attr("additionalType").strip().split("\\s+")) {
                if (!t.isEmpty()) {
                    add(item, "additionalType", JSON.textNode(t));
                }
            }
        }
        microProps(scope, item, doc, depth, seen);
        for (String id : scope.attr("itemref").strip().split("\\s+")) {
            Element ref = id.isEmpty() ? null : doc.getElementById(id);
            if (ref == null || ref == scope || !seen.add(ref)) {
                continue;
            }
            if (ref.hasAttr("itemprop")) {
                addMicroProp(ref, item, doc, depth, seen);
            } else {
                microProps(ref, item, doc, depth, seen);
            }
        }
        return item;
    }

    private static void microProps(Element parent, ObjectNode item, Document doc, int depth, Set<Element> seen) {
        for (Element child : parent.children()) {
            if (!child.hasAttr("itemprop") && isAdditionalType(child.attr("property"))) {
                // RDFa's attribute inside a microdata item: <link property="additionalType" href=".../Product">
                add(item, "additionalType", JSON.textNode(value(child)));
            }
            if (child.hasAttr("itemprop")) {
                addMicroProp(child, item, doc, depth, seen);
                if (!child.hasAttr("itemscope")) {
                    microProps(child, item, doc, depth, seen);
                }
            } else if (!child.hasAttr("itemscope")) {
                microProps(child, item, doc, depth, seen);
            }
        }
    }

    private static void addMicroProp(Element el, ObjectNode item, Document doc, int depth, Set<Element> seen) {
        JsonNode value = el.hasAttr("itemscope")
                ? microItem(el, doc, depth + 1, seen)
                : JSON.textNode(value(el));
        for (String name : el.attr("itemprop").strip().split("\\s+")) {
            if (!name.isEmpty()) {
                add(item, SchemaOrg.localName(name), value);
            }
        }
    }

    private static boolean isAdditionalType(String names) {
        for (String name : names.strip().split("\\s+")) {
            if (SchemaOrg.localName(name).equals("additionalType") && !name.isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /** The page's top-level RDFa resources ({@code typeof} not inside another's {@code property}). */
    static List<ObjectNode> rdfa(Document doc) {
        List<ObjectNode> out = new ArrayList<>();
        for (Element el : doc.select("[typeof]")) {
            if (!el.hasAttr("property") && !el.hasAttr("rel")) {
                out.add(rdfaItem(el, 0));
            }
        }
        return out;
    }

    private static ObjectNode rdfaItem(Element scope, int depth) {
        ObjectNode item = JSON.objectNode();
        ArrayNode types = item.putArray("@type");
        for (String t : scope.attr("typeof").strip().split("\\s+")) {
            if (!t.isEmpty()) {
                types.add(SchemaOrg.localName(t));
            }
        }
        if (depth <= MAX_DEPTH) {
            rdfaProps(scope, item, depth);
        }
        return item;
    }

    private static void rdfaProps(Element parent, ObjectNode item, int depth) {
        for (Element child : parent.children()) {
            String names = child.hasAttr("property") ? child.attr("property") : child.attr("rel");
            if (!names.isBlank()) {
                JsonNode value = child.hasAttr("typeof") ? rdfaItem(child, depth + 1) : JSON.textNode(rdfaValue(child));
                for (String name : names.strip().split("\\s+")) {
                    add(item, SchemaOrg.localName(name), value);
                }
                if (!child.hasAttr("typeof")) {
                    rdfaProps(child, item, depth);
                }
            } else if (!child.hasAttr("typeof")) {
                rdfaProps(child, item, depth);
            }
        }
    }

    private static String rdfaValue(Element el) {
        if (el.hasAttr("content")) {
            return el.attr("content");
        }
        if (el.hasAttr("resource")) {
            return el.absUrl("resource");
        }
        return value(el);
    }

    /** A property's value by the element that carries it, as the microdata spec says (plus {@code content}). */
    static String value(Element el) {
        String tag = el.normalName();
        switch (tag) {
            case "meta":
                return el.attr("content");
            case "img":
            case "source":
            case "picture":
                String best = ImageUrls.best(el);
                return best == null ? "" : best;
            case "audio":
            case "embed":
            case "iframe":
            case "track":
            case "video":
                return el.absUrl("src");
            case "a":
            case "area":
            case "link":
                return el.hasAttr("href") ? el.absUrl("href").strip() : el.attr("content");
            case "object":
                return el.absUrl("data");
            case "data":
            case "meter":
                return el.attr("value");
            case "time":
                return el.hasAttr("datetime") ? el.attr("datetime") : el.text();
            default:
                // Shops write <span itemprop="price" content="12.00">$12</span>: the attribute is the data.
                return el.hasAttr("content") ? el.attr("content") : el.text();
        }
    }

    private static void add(ObjectNode item, String name, JsonNode value) {
        JsonNode old = item.get(name);
        if (old == null) {
            item.set(name, value);
        } else if (old.isArray()) {
            ((ArrayNode) old).add(value);
        } else {
            ArrayNode arr = item.arrayNode();
            arr.add(old);
            arr.add(value);
            item.set(name, arr);
        }
    }
}
