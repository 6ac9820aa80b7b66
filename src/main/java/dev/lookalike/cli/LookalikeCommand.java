package dev.lookalike.cli;

import io.quarkus.picocli.runtime.annotations.TopCommand;
import picocli.CommandLine;

@TopCommand
@CommandLine.Command(name = "lookalike", mixinStandardHelpOptions = true, version = "0.1.0",
        description = "Search a shop's catalogue by look: CLIP vectors in SQLite.",
        subcommands = {HelloCommand.class})
public class LookalikeCommand {
}
