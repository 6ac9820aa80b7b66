package dev.lookalike.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lookalike.catalog.CatalogDb;
import dev.lookalike.catalog.Collection;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@CommandLine.Command(name = "bake", mixinStandardHelpOptions = true,
        description = "Write a compact single-file copy of the catalogue to ship read-only (Docker, Fly.io).")
class BakeCommand extends BaseCommand implements Callable<Integer> {

    @CommandLine.Option(names = "--out", paramLabel = "FILE", required = true, description = "The new file.")
    Path outFile;

    @Override
    public Integer call() throws Exception {
        try (CatalogDb db = openExistingCatalog()) {
            db.bakeTo(outFile);
            ObjectNode n = Json.MAPPER.createObjectNode();
            n.put("file", outFile.toString());
            n.put("bytes", Files.size(outFile));
            n.put("products", db.products().size());
            ObjectNode vectors = n.putObject("vectors");
            for (Collection c : db.collections()) {
                vectors.put(c.name(), db.countVectors(c.id()));
            }
            out.println(Json.line(n));
        }
        return ExitCodes.OK;
    }
}
