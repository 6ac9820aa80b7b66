package dev.lookalike.cli;

import picocli.CommandLine;

import java.util.concurrent.Callable;

/** {@code lookalike solr …}: the SolrCloud index. Without a subcommand it prints the usage on stderr (exit 2). */
@CommandLine.Command(name = "solr", mixinStandardHelpOptions = true,
        description = "Publish the catalogue to an Apache Solr (SolrCloud) collection.",
        subcommands = {SolrPushCommand.class})
class SolrCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("lookalike solr: name a command");
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }
}
