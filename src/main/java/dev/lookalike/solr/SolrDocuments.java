package dev.lookalike.solr;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lookalike.catalog.Product;
import dev.lookalike.search.PhotoVector;
import dev.lookalike.search.VectorIndex;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * The Solr documents of a catalogue's products (the contract the query side relies on). Only products with an
 * embedded photo have any. Per product:
 * <ul>
 *   <li>one product document, {@code id} "p/&lt;productId&gt;", {@code type} "product", whose {@code vector} is
 *       {@link VectorIndex#productVector} and {@code image_id} its first photo in shop order;</li>
 *   <li>one photo document per embedded photo, {@code id} "i/&lt;productId&gt;/&lt;imageId&gt;", {@code type}
 *       "photo", with that photo's unit vector.</li>
 * </ul>
 * Both carry {@code product_id}, {@code image_id}, {@code group_id} (the smallest product id among the offers of
 * the same item, {@link VectorIndex#groupIdOf}), {@code name}, {@code url}, {@code price}, {@code currency},
 * {@code shop}, {@code brand}, {@code category} (as the shop wrote them), {@code shop_lc}, {@code brand_lc},
 * {@code category_lc} (lower-cased, for filters), {@code vector} and {@code model} (the collection's name). A
 * field whose value the shop did not give is left out.
 */
public final class SolrDocuments {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final VectorIndex index;
    private final String model;

    /** One document with its content hash: the SHA-256 (hex) of exactly the JSON that is sent. */
    public record Doc(String id, ObjectNode json, String hash) {}

    public SolrDocuments(VectorIndex index, String model) {
        this.index = index;
        this.model = model;
    }

    /** The id of a product's document. */
    public static String productDocId(String productId) {
        return "p/" + productId;
    }

    /** The id of a photo's document. */
    public static String photoDocId(String productId, String imageId) {
        return "i/" + productId + "/" + imageId;
    }

    /** The product's documents, its product document first; empty when it has no embedded photo. */
    public List<Doc> of(Product p) {
        List<PhotoVector> photos = index.photos(p.id());
        if (photos.isEmpty()) {
            return List.of();
        }
        String group = index.groupIdOf(p.id()).orElse(p.id());
        List<Doc> out = new ArrayList<>(photos.size() + 1);
        // the product's vector is its first photo's, exactly as the in-memory index's productVector gives it
        float[] productVector = index.productVector(p.id()).orElseThrow();
        out.add(doc(productDocId(p.id()), "product", p, photos.get(0).imageId(), group, productVector));
        for (PhotoVector photo : photos) {
            out.add(doc(photoDocId(p.id(), photo.imageId()), "photo", p, photo.imageId(), group, photo.vector()));
        }
        return out;
    }

    private Doc doc(String id, String type, Product p, String imageId, String group, float[] vector) {
        ObjectNode d = JSON.createObjectNode();
        d.put("id", id);
        d.put("type", type);
        d.put("product_id", p.id());
        d.put("image_id", imageId);
        d.put("group_id", group);
        d.put("name", p.name());
        d.put("url", p.url());
        if (p.price() != null) {
            d.put("price", p.price());
        }
        putIfPresent(d, "currency", p.currency());
        putIfPresent(d, "shop", p.shop());
        putIfPresent(d, "brand", p.brand());
        putIfPresent(d, "category", p.category());
        putIfPresent(d, "shop_lc", lower(p.shop()));
        putIfPresent(d, "brand_lc", lower(p.brand()));
        putIfPresent(d, "category_lc", lower(p.category()));
        ArrayNode v = d.putArray(SolrSchema.VECTOR_FIELD);
        for (float f : vector) {
            v.add(f);
        }
        d.put("model", model);
        return new Doc(id, d, hash(d));
    }

    private static void putIfPresent(ObjectNode d, String field, String value) {
        if (value != null) {
            d.put(field, value);
        }
    }

    private static String lower(String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }

    /** SHA-256 of the document's JSON as Jackson writes it: fields in the order above, floats as Float.toString. */
    static String hash(ObjectNode doc) {
        try {
            byte[] json = JSON.writeValueAsString(doc).getBytes(StandardCharsets.UTF_8);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
