package dev.lookalike.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lookalike.search.Match;

/** JSON on stdout: one object per line, as `llm similar` prints. */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {}

    static String line(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    /** A result as {@code {"id","name","price","currency","url","image","score"[,"saving"]}}. */
    static ObjectNode match(Match m) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("id", m.product().id());
        n.put("name", m.product().name());
        if (m.product().price() == null) {
            n.putNull("price");
        } else {
            n.put("price", m.product().price());
        }
        n.put("currency", m.product().currency());
        n.put("url", m.product().url());
        n.put("image", "/images/" + m.imageId()); // as the API gives it
        n.put("score", Math.round(m.score() * 1e6) / 1e6);
        if (m.saving() != null) {
            n.put("saving", m.saving());
        }
        return n;
    }
}
