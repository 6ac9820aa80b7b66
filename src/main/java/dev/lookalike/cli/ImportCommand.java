package dev.lookalike.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lookalike.catalog.CatalogDb;
import dev.lookalike.embed.ImageDecoder;
import dev.lookalike.scrape.CrawlOptions;
import dev.lookalike.scrape.Fetcher;
import dev.lookalike.scrape.Importer;
import dev.lookalike.scrape.PhotoStore;
import picocli.CommandLine;

import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@CommandLine.Command(name = "import", mixinStandardHelpOptions = true,
        description = "Add products from a CSV or JSON-lines file (with image paths or URLs); prints a JSON summary.")
class ImportCommand extends BaseCommand implements Callable<Integer> {

    @CommandLine.Parameters(paramLabel = "FILE", description = "CSV with a header row (url,name,price,currency,brand,"
            + "shop,description,category,images; images separated by |) or JSON lines; photo paths are relative to "
            + "FILE's folder and may not leave it.")
    Path file;

    @Override
    public Integer call() throws Exception {
        try (CatalogDb db = openCatalog(); Fetcher fetcher = new Fetcher(CrawlOptions.defaults())) {
            Importer importer = new Importer(db, new PhotoStore(db, new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS)),
                    fetcher, msg -> System.err.println("lookalike: " + msg));
            Importer.Summary s = importer.importFile(file);
            ObjectNode n = Json.MAPPER.createObjectNode();
            n.put("products", s.products());
            n.put("images", s.images());
            n.put("image_errors", s.imageErrors());
            n.put("rows_failed", s.rowsFailed());
            out.println(Json.line(n));
            if (s.products() == 0 && s.rowsFailed() > 0) {
                throw new CommandFailure(ExitCodes.FAILED, "nothing imported from " + file + ": every row failed (above)");
            }
        } catch (NoSuchFileException e) {
            throw new CommandFailure(ExitCodes.NOT_FOUND, "no such file: " + file);
        }
        return ExitCodes.OK;
    }
}
