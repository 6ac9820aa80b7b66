package dev.lookalike.cli;

import dev.lookalike.catalog.CatalogConfig;
import dev.lookalike.catalog.CatalogDb;
import dev.lookalike.embed.ClipModel;
import dev.lookalike.embed.ModelConfig;
import dev.lookalike.embed.ModelLoadException;
import dev.lookalike.embed.ModelLocator;
import jakarta.inject.Inject;
import picocli.CommandLine;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Options every command shares: which catalogue and which model. */
abstract class BaseCommand {

    @Inject
    CatalogConfig catalogConfig;

    @Inject
    ModelConfig modelConfig;

    @CommandLine.Option(names = "--catalog", paramLabel = "FILE",
            description = "Catalogue file (default: $LOOKALIKE_CATALOG or catalog/lookalike.db).")
    Path catalog;

    @CommandLine.Option(names = "--model", paramLabel = "M",
            description = "Model: hf:OWNER/NAME[@REVISION] from the Hugging Face Hub, a checkpoint or model package "
                    + "folder, a .zip or http(s) URL of a package (default: $LOOKALIKE_MODEL or "
                    + "hf:openai/clip-vit-base-patch32). See `lookalike models`.")
    String model;

    /** Data goes to stdout as UTF-8 whatever the platform's default. */
    final PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);

    Path catalogPath() {
        return catalog != null ? catalog : catalogConfig.catalog();
    }

    String modelSpec() {
        return model != null ? model : modelConfig.model();
    }

    CatalogDb openCatalog() {
        return CatalogDb.open(catalogPath());
    }

    ModelLocator locator() {
        return new ModelLocator(modelConfig.modelCache(), new ProgressBar("downloading model", "B"),
                modelConfig.textPrecision());
    }

    ClipModel loadModel() throws ModelLoadException {
        return locator().load(modelSpec());
    }
}
