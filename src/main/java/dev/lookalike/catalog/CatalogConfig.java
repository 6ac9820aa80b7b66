package dev.lookalike.catalog;

import io.smallrye.config.ConfigMapping;

import java.nio.file.Path;

/** Where the catalogue lives; documented in application.properties. */
@ConfigMapping(prefix = "lookalike")
public interface CatalogConfig {

    /** The catalogue file (SQLite) that commands without --catalog, and the server, use. */
    Path catalog();
}
