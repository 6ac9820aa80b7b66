package dev.lookalike.cli;

import io.quarkus.picocli.runtime.annotations.TopCommand;
import picocli.CommandLine;

import java.util.concurrent.Callable;

/** The top command; its subcommands do the work. Without one it prints the usage on stderr (exit 2). */
@TopCommand
@CommandLine.Command(name = "lookalike", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT, version = LookalikeCommand.VERSION,
        description = "Search a shop's catalogue by look: CLIP vectors in SQLite.",
        subcommands = {ImportCommand.class, EmbedCommand.class, SearchCommand.class, SimilarCommand.class,
                VectorCommand.class, BenchCommand.class, BakeCommand.class, ScrapeCommand.class,
                ScrapeBenchCommand.class, DemoCommand.class, ServeCommand.class, ModelsCommand.class,
                ReindexCommand.class, ClusterCommand.class, SolrCommand.class})
public class LookalikeCommand implements Callable<Integer> {

    /** What every command's --version prints. */
    static final String VERSION = "lookalike 0.1.0";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("lookalike: name a command");
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }
}
