package dev.lookalike.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lookalike.search.Match;
import dev.lookalike.web.ApiResult;

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

    /** A result exactly as the API's result lists show it (see ApiResult). */
    static Object match(Match m) {
        return ApiResult.of(m);
    }
}
