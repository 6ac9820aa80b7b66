package dev.lookalike.cli;

import io.quarkus.picocli.runtime.annotations.TopCommand;
import picocli.CommandLine;

/** The top command; its subcommands do the work. */
@TopCommand
@CommandLine.Command(name = "lookalike", mixinStandardHelpOptions = true, version = "0.1.0",
        description = "Search a shop's catalogue by look: CLIP vectors in SQLite.",
        subcommands = {ImportCommand.class, EmbedCommand.class, SearchCommand.class, SimilarCommand.class,
                VectorCommand.class, BenchCommand.class, BakeCommand.class, ScrapeCommand.class,
                ScrapeBenchCommand.class, DemoCommand.class, ServeCommand.class, ModelsCommand.class})
public class LookalikeCommand {
}
