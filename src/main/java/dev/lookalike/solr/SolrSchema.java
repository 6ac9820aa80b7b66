package dev.lookalike.solr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The {@code lookalike} configset and the fields and field types Lookalike's documents need
 * (see {@link SolrDocuments}), and bringing a collection's schema in line with them through the Schema API.
 */
public final class SolrSchema {

    /** The configset's name in ZooKeeper. */
    public static final String CONFIGSET = "lookalike";

    /** The configset's files, on the classpath under {@code solr/lookalike/conf/}. */
    static final List<String> CONFIG_FILES = List.of("solrconfig.xml", "managed-schema.xml");

    /** The dense-vector field's name on both kinds of document. */
    public static final String VECTOR_FIELD = "vector";

    private static final ObjectMapper JSON = new ObjectMapper();

    private SolrSchema() {}

    /** The configset as the Configsets API's UPLOAD takes it: a zip with the files at its root. */
    public static byte[] configSetZip() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (String name : CONFIG_FILES) {
                try (InputStream in = SolrSchema.class.getResourceAsStream("/solr/" + CONFIGSET + "/conf/" + name)) {
                    if (in == null) {
                        throw new IllegalStateException("the jar lacks solr/" + CONFIGSET + "/conf/" + name);
                    }
                    zip.putNextEntry(new ZipEntry(name));
                    in.transferTo(zip);
                    zip.closeEntry();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The name of the dense-vector field type for vectors of {@code dim} dimensions. */
    public static String vectorType(int dim) {
        return "knn_vector_" + dim;
    }

    /** The field types the documents use, as Schema API definitions. */
    static List<ObjectNode> fieldTypes(int dim) {
        List<ObjectNode> out = new ArrayList<>();
        out.add(type("string", "solr.StrField").put("sortMissingLast", true).put("docValues", true));
        out.add(type("plong", "solr.LongPointField").put("docValues", true));
        out.add(type("pdouble", "solr.DoublePointField").put("docValues", true));
        ObjectNode text = type("text_general", "solr.TextField").put("positionIncrementGap", "100");
        ObjectNode analyzer = text.putObject("analyzer");
        analyzer.putObject("tokenizer").put("class", "solr.StandardTokenizerFactory");
        analyzer.putArray("filters").addObject().put("class", "solr.LowerCaseFilterFactory");
        out.add(text);
        // attribute names as Solr 9.10.1's org.apache.solr.schema.DenseVectorField reads them; dot_product
        // because every vector sent is a unit vector (Lucene then scores (1 + cosine) / 2)
        out.add(type(vectorType(dim), "solr.DenseVectorField").put("vectorDimension", dim)
                .put("similarityFunction", "dot_product"));
        return out;
    }

    /** The fields of both kinds of document, as Schema API definitions (all single-valued, indexed and stored). */
    static List<ObjectNode> fields(int dim) {
        List<ObjectNode> out = new ArrayList<>();
        for (String name : List.of("type", "product_id", "image_id", "group_id", "url", "currency", "shop", "brand",
                "category", "shop_lc", "brand_lc", "category_lc", "model")) {
            out.add(field(name, "string"));
        }
        out.add(field("name", "text_general"));
        out.add(field("price", "pdouble"));
        out.add(field(VECTOR_FIELD, vectorType(dim)));
        return out;
    }

    /**
     * Adds the collection's missing fields and field types and replaces those that differ from
     * {@link #fields} and {@link #fieldTypes}, in one Schema API request; nothing when all agree.
     *
     * @return the commands sent, as "add-field vector" and so on (empty when none)
     * @throws SolrPushException when the collection's vector field holds vectors of another length
     */
    public static List<String> align(SolrHttp solr, String collection, int dim) {
        Map<String, JsonNode> types = byName(solr.fieldTypes(collection));
        Map<String, JsonNode> fields = byName(solr.fields(collection));
        JsonNode vector = fields.get(VECTOR_FIELD);
        if (vector != null) {
            JsonNode vt = types.get(vector.path("type").asText());
            if (vt != null && vt.has("vectorDimension") && vt.path("vectorDimension").asInt() != dim) {
                throw new SolrPushException("Solr collection " + collection + " holds vectors of "
                        + vt.path("vectorDimension").asInt() + " dimensions but the catalogue's have " + dim
                        + ": push to another --collection, or delete this one first");
            }
        }
        ObjectNode commands = JSON.createObjectNode();
        List<String> done = new ArrayList<>();
        for (ObjectNode want : fieldTypes(dim)) {
            JsonNode have = types.get(want.get("name").asText());
            String op = have == null ? "add-field-type" : sameType(want, have) ? null : "replace-field-type";
            if (op != null) {
                add(commands, op, want);
                done.add(op + " " + want.get("name").asText());
            }
        }
        for (ObjectNode want : fields(dim)) {
            JsonNode have = fields.get(want.get("name").asText());
            String op = have == null ? "add-field" : sameField(want, have) ? null : "replace-field";
            if (op != null) {
                add(commands, op, want);
                done.add(op + " " + want.get("name").asText());
            }
        }
        if (!done.isEmpty()) {
            solr.updateSchema(collection, commands);
        }
        return done;
    }

    private static ObjectNode type(String name, String cls) {
        return JSON.createObjectNode().put("name", name).put("class", cls);
    }

    private static ObjectNode field(String name, String type) {
        return JSON.createObjectNode().put("name", name).put("type", type).put("indexed", true).put("stored", true)
                .put("multiValued", false);
    }

    private static void add(ObjectNode commands, String op, ObjectNode definition) {
        JsonNode list = commands.get(op);
        ArrayNode array = list == null ? commands.putArray(op) : (ArrayNode) list;
        array.add(definition);
    }

    /** Same class and same attributes (analyzers aside: a text type of the right class is left alone). */
    private static boolean sameType(ObjectNode want, JsonNode have) {
        if (!shortClass(want.path("class").asText()).equals(shortClass(have.path("class").asText()))) {
            return false;
        }
        var it = want.fields();
        while (it.hasNext()) {
            var e = it.next();
            if (e.getKey().equals("class") || e.getKey().equals("analyzer")) {
                continue;
            }
            if (!e.getValue().asText().equals(have.path(e.getKey()).asText())) {
                return false;
            }
        }
        return true;
    }

    /** Same type and the same flags; the Schema API lists a field with the attributes it was defined with. */
    private static boolean sameField(ObjectNode want, JsonNode have) {
        var it = want.fields();
        while (it.hasNext()) {
            var e = it.next();
            if (!e.getValue().asText().equals(have.path(e.getKey()).asText())) {
                return false;
            }
        }
        return true;
    }

    /** {@code solr.StrField} and {@code org.apache.solr.schema.StrField} name one class. */
    private static String shortClass(String cls) {
        return cls.substring(cls.lastIndexOf('.') + 1);
    }

    private static Map<String, JsonNode> byName(List<JsonNode> nodes) {
        Map<String, JsonNode> out = new HashMap<>();
        for (JsonNode n : nodes) {
            out.put(n.path("name").asText(), n);
        }
        return out;
    }
}
