package dev.lookalike.embed.clip;

import dev.lookalike.embed.ModelLoadException;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The files of a checkpoint repository, as the loader asks for them one by one: a local folder laid
 * out like a Hugging Face repo, or a Hub repo whose files are downloaded (and cached) on first ask.
 */
public interface RepoFiles {

    /** What the repository goes by (e.g. {@code openai/clip-vit-base-patch32}); also the collection name. */
    String name();

    /**
     * The file at {@code path} in the repository, fetched if needed.
     *
     * @return empty when the repository has no such file
     * @throws ModelLoadException when the file exists (or may exist) but cannot be had: no network, no access
     */
    Optional<Path> find(String path) throws ModelLoadException;

    /**
     * The file at {@code path}, which must exist.
     *
     * @throws ModelLoadException naming the repository and the file when it is missing or cannot be had
     */
    default Path expect(String path) throws ModelLoadException {
        return find(path).orElseThrow(() -> new ModelLoadException(name() + " has no " + path));
    }
}
