package dev.lookalike.cli;

import dev.lookalike.catalog.CatalogConfig;
import dev.lookalike.catalog.CatalogDb;
import dev.lookalike.web.ServeConfig;
import jakarta.inject.Inject;
import picocli.CommandLine;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Options every command shares: which catalogue. Commands that use a model extend {@link ModelCommand}. */
abstract class BaseCommand {

    @Inject
    CatalogConfig catalogConfig;

    @Inject
    ServeConfig serveConfig;

    @CommandLine.Option(names = "--catalog", paramLabel = "FILE",
            description = "Catalogue file (default: $LOOKALIKE_CATALOG or catalog/lookalike.db).")
    Path catalog;

    /** Data goes to stdout as UTF-8 whatever the platform's default. */
    final PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);

    Path catalogPath() {
        return catalog != null ? catalog : catalogConfig.catalog();
    }

    /** Opens the catalogue, creating it (and its folder) if needed: for the commands that fill one (scrape, import). */
    CatalogDb openCatalog() {
        return CatalogDb.open(catalogPath());
    }

    /** Opens an existing catalogue for reading and writing; a missing one is exit 3, never created. */
    CatalogDb openExistingCatalog() {
        requireCatalog();
        return CatalogDb.open(catalogPath());
    }

    /**
     * Opens an existing catalogue for a command that only reads it: read-only when {@code lookalike.read-only}
     * says so or the file or its folder is not writable (a baked catalogue), as {@code serve} does.
     */
    CatalogDb openCatalogForReading() {
        requireCatalog();
        return CatalogDb.openForReading(catalogPath(), serveConfig.readOnly());
    }

    /** The rule the API applies to limit, for the command line too. */
    void checkLimit(int limit) {
        int max = serveConfig.web().maxPageSize();
        if (limit < 1 || limit > max) {
            throw new CommandFailure(ExitCodes.USAGE, "--limit must be between 1 and " + max + " (lookalike.web"
                    + ".max-page-size), got " + limit);
        }
    }

    private void requireCatalog() {
        if (!Files.isRegularFile(catalogPath())) {
            throw new CommandFailure(ExitCodes.NOT_FOUND, "catalogue " + catalogPath()
                    + " does not exist: scrape or import a shop into it first");
        }
    }
}
