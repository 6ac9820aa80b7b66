package dev.lookalike.embed;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The {@code lookalike-model.json} of a model package (format 1): what the towers expect and
 * produce. Field names are a public contract.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@RegisterForReflection // read by Jackson, also in a native executable
public record ModelManifest(int format, String name, int dim, ImageSpec image, TextSpec text) {

    public static final String FILE_NAME = "lookalike-model.json";

    public ModelManifest {
        if (format != 1) {
            throw new IllegalArgumentException("unsupported model package format " + format + " (this Lookalike reads 1)");
        }
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("model package has no name");
        }
        if (dim < 1) {
            throw new IllegalArgumentException("model package dim must be positive, got " + dim);
        }
        if (image == null) {
            throw new IllegalArgumentException("model package has no \"image\" section");
        }
        if (text == null) {
            throw new IllegalArgumentException("model package has no \"text\" section");
        }
    }

    /** The text tower's input: longest token sequence and the tokenizer file inside the package. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @RegisterForReflection
    public record TextSpec(@JsonProperty("context_length") int contextLength, String tokenizer) {
        public TextSpec {
            if (contextLength < 2) {
                throw new IllegalArgumentException("text.context_length must be at least 2, got " + contextLength);
            }
            if (tokenizer == null || tokenizer.isBlank()) {
                throw new IllegalArgumentException("text.tokenizer names no file");
            }
            if (tokenizer.contains("/") || tokenizer.contains("\\") || tokenizer.startsWith(".")) {
                throw new IllegalArgumentException("text.tokenizer must be a file name inside the package: " + tokenizer);
            }
        }
    }
}
