package dev.lookalike.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lookalike.catalog.CatalogDb;
import dev.lookalike.catalog.Collection;
import dev.lookalike.embed.ModelLoadException;
import dev.lookalike.solr.SolrException;
import dev.lookalike.solr.SolrHttp;
import dev.lookalike.solr.SolrPush;
import dev.lookalike.solr.SolrPushException;
import picocli.CommandLine;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

@CommandLine.Command(name = "push", mixinStandardHelpOptions = true,
        description = {"Send the catalogue's products with embedded photos to a SolrCloud collection: one product "
                + "document and one document per photo, each with its vector, price, currency, shop, brand, "
                + "category and group. Creates the collection (uploading the lookalike configset) when it is "
                + "absent and adds or replaces the schema's fields; then sends only the documents that changed "
                + "since the last push to this Solr and collection, deletes those gone from the catalogue, and "
                + "commits. Resumable: a killed push, run again, sends only what Solr had not acknowledged. "
                + "With several collections of vectors in the catalogue, --model picks one.",
                "Prints a JSON summary: collection, documents, sent, deleted, unchanged, seconds."})
class SolrPushCommand extends ModelCommand implements Callable<Integer> {

    @CommandLine.Option(names = "--solr", paramLabel = "URL", required = true,
            description = "A node of the SolrCloud, http(s)://host:port or http(s)://host:port/solr; several nodes, "
                    + "comma-separated, to go on through another when one is down.")
    String solr;

    @CommandLine.Option(names = "--collection", paramLabel = "NAME", required = true,
            description = "The Solr collection to create or update.")
    String collection;

    @CommandLine.Option(names = "--shards", paramLabel = "N", defaultValue = "1",
            description = "Shards of the collection when push creates it (default: ${DEFAULT-VALUE}).")
    int shards;

    @CommandLine.Option(names = "--replicas", paramLabel = "N", defaultValue = "1",
            description = "Replicas of each shard when push creates the collection (default: ${DEFAULT-VALUE}).")
    int replicas;

    @CommandLine.Option(names = "--batch", paramLabel = "N", defaultValue = "500",
            description = "Documents (and deletions) per update request (default: ${DEFAULT-VALUE}).")
    int batch;

    @Override
    public Integer call() throws Exception {
        if (batch < 1 || batch > 100_000) {
            throw new CommandFailure(ExitCodes.USAGE, "--batch must be between 1 and 100000, got " + batch);
        }
        if (shards < 1 || replicas < 1) {
            throw new CommandFailure(ExitCodes.USAGE, "--shards and --replicas must be at least 1");
        }
        String name = collection.strip();
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            throw new CommandFailure(ExitCodes.USAGE, "--collection must be letters, digits, '.', '_' and '-' "
                    + "(Solr's rule for collection names), got " + collection);
        }
        SolrHttp client;
        try {
            client = new SolrHttp(solr);
        } catch (IllegalArgumentException e) {
            throw new CommandFailure(ExitCodes.USAGE, "--solr: " + e.getMessage());
        }
        if (serveConfig.readOnly()) {
            throw new CommandFailure(ExitCodes.CATALOG, "lookalike.read-only ($LOOKALIKE_READ_ONLY) is set, but push "
                    + "records in catalogue " + catalogPath() + " what it sent: push from a writable copy");
        }
        // a catalogue that cannot be written fails here (exit 5), before anything is sent
        try (CatalogDb db = openExistingCatalog()) {
            Collection vectors = pickVectors(db);
            SolrPush.Summary s;
            try {
                s = SolrPush.run(db, vectors, client, name, new SolrPush.Options(shards, replicas, batch),
                        new ProgressBar("pushing", "products"));
            } catch (SolrException e) {
                throw new CommandFailure(ExitCodes.FAILED, e.getMessage());
            } catch (SolrPushException e) {
                throw new CommandFailure(ExitCodes.USAGE, e.getMessage());
            }
            if (s.created()) {
                System.err.println("created Solr collection " + name + " (" + shards + " shards × " + replicas
                        + " replicas) from configset lookalike");
            }
            if (!s.schemaChanges().isEmpty()) {
                System.err.println("schema of " + name + ": " + String.join(", ", s.schemaChanges()));
            }
            ObjectNode n = Json.MAPPER.createObjectNode();
            n.put("collection", s.collection());
            n.put("documents", s.documents());
            n.put("sent", s.sent());
            n.put("deleted", s.deleted());
            n.put("unchanged", s.unchanged());
            n.put("seconds", Math.round(s.seconds() * 1000) / 1000.0);
            out.println(Json.line(n));
        }
        return ExitCodes.OK;
    }

    /** The catalogue's collection: the only one, else the --model's (as cluster picks it). */
    private Collection pickVectors(CatalogDb db) throws ModelLoadException {
        List<Collection> all = db.collections();
        if (all.isEmpty()) {
            throw new CommandFailure(ExitCodes.NOT_FOUND, "the catalogue " + catalogPath() + " has no vectors yet: "
                    + "run lookalike embed first");
        }
        if (model == null && all.size() == 1) {
            return all.get(0);
        }
        String names = all.stream().map(Collection::name).collect(Collectors.joining(", "));
        String wanted = locator().nameOf(modelSpec());
        return db.findCollection(wanted).orElseThrow(() -> new CommandFailure(ExitCodes.NOT_FOUND,
                "the catalogue has no vectors of model " + wanted + "; it has: " + names + " (choose with --model)"));
    }
}
