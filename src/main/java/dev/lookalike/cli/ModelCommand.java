package dev.lookalike.cli;

import dev.lookalike.embed.ClipModel;
import dev.lookalike.embed.ModelConfig;
import dev.lookalike.embed.ModelLoadException;
import dev.lookalike.embed.ModelLocator;
import jakarta.inject.Inject;
import picocli.CommandLine;

/** The options of commands that run a model or pick its collection: the catalogue's, plus which model. */
abstract class ModelCommand extends BaseCommand {

    @Inject
    ModelConfig modelConfig;

    @CommandLine.Option(names = "--model", paramLabel = "M",
            description = "Model: hf:OWNER/NAME[@REVISION] from the Hugging Face Hub, a checkpoint or model package "
                    + "folder, a .zip or http(s) URL of a package (default: $LOOKALIKE_MODEL or "
                    + "hf:openai/clip-vit-base-patch32). See `lookalike models`.")
    String model;

    String modelSpec() {
        return model != null ? model : modelConfig.model();
    }

    ModelLocator locator() {
        return new ModelLocator(modelConfig.modelCache(), new ProgressBar("downloading model", "B"),
                modelConfig.textPrecision());
    }

    ClipModel loadModel() throws ModelLoadException {
        return locator().load(modelSpec());
    }
}
