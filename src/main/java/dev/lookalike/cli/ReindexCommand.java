package dev.lookalike.cli;

import dev.lookalike.catalog.CatalogDb;
import picocli.CommandLine;

import java.util.concurrent.Callable;

@CommandLine.Command(name = "reindex", mixinStandardHelpOptions = true,
        description = "Rebuild the catalogue's words index (the full-text index of names, brands, categories, "
                + "descriptions and SKUs) from its products: after another tool changed or dropped it.")
class ReindexCommand extends BaseCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        try (CatalogDb db = openExistingCatalog()) {
            out.println("indexed " + db.words().rebuild() + " products");
        }
        return ExitCodes.OK;
    }
}
