package dev.lookalike.embed.clip;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** A folder laid out like a Hub repository (the files side by side, as in a Hub snapshot). */
public record LocalRepo(String name, Path dir) implements RepoFiles {

    /** A folder named after itself. */
    public static LocalRepo of(Path dir) {
        Path file = dir.toAbsolutePath().normalize().getFileName();
        return new LocalRepo(file == null ? dir.toString() : file.toString(), dir);
    }

    @Override
    public Optional<Path> find(String path) {
        Path file = dir.resolve(path).normalize();
        if (!file.startsWith(dir.normalize()) || !Files.isRegularFile(file)) {
            return Optional.empty();
        }
        return Optional.of(file);
    }
}
