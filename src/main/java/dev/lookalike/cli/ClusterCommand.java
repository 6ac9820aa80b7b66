package dev.lookalike.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lookalike.catalog.CatalogDb;
import dev.lookalike.catalog.Collection;
import dev.lookalike.catalog.StyleCluster;
import dev.lookalike.embed.ClipModel;
import dev.lookalike.explore.ClusterException;
import dev.lookalike.explore.ClusterRun;
import dev.lookalike.explore.ClusterUpdate;
import picocli.CommandLine;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

@CommandLine.Command(name = "cluster", mixinStandardHelpOptions = true,
        description = "Group the products into styles by look (k-means on their vectors), name each style with the "
                + "model's text tower, and place every product on the 2D map; replaces the collection's earlier "
                + "clusters. embed then keeps them up to date (new products join the nearest style); run it again "
                + "when embed says so. --incremental does only that update. Prints a JSON summary.")
class ClusterCommand extends ModelCommand implements Callable<Integer> {

    @CommandLine.Option(names = "--k", paramLabel = "N|auto", defaultValue = "auto",
            description = "How many styles, or auto: the k from 2 to 30 (at most a third of the products) whose "
                    + "clusters have the highest silhouette on a sample (default: ${DEFAULT-VALUE}).")
    String k;

    @CommandLine.Option(names = "--collection", paramLabel = "NAME",
            description = "Which collection's vectors (default: the only one, else the model's).")
    String collection;

    @CommandLine.Option(names = "--seed", paramLabel = "S", defaultValue = "42",
            description = "Seed of the k-means++ draws and samples: the same seed gives the same clusters "
                    + "(default: ${DEFAULT-VALUE}).")
    long seed;

    @CommandLine.Option(names = "--incremental",
            description = "Do not cluster again: place the products embedded (or changed) since the last run in the "
                    + "style with the nearest centroid, on the stored map projection, drop those that lost their "
                    + "photos and recount the sizes; what embed does at its end. No model is loaded.")
    boolean incremental;

    private final PrintStream err = new PrintStream(System.err, true, StandardCharsets.UTF_8);

    @Override
    public Integer call() throws Exception {
        Integer wanted = parseK(k);
        try (CatalogDb db = openExistingCatalog()) {
            Collection c = pickCollection(db);
            if (incremental) {
                ClusterUpdate.Summary s;
                try {
                    s = ClusterUpdate.run(db, c).orElseThrow(() -> new CommandFailure(ExitCodes.NOT_FOUND,
                            "collection " + c.name() + " has no styles yet: run lookalike cluster first"));
                } catch (ClusterException e) {
                    throw new CommandFailure(ExitCodes.NOT_FOUND, e.getMessage());
                }
                ObjectNode n = Json.MAPPER.createObjectNode();
                n.put("collection", s.collection());
                n.setAll(styles(s));
                n.put("left", s.left());
                out.println(Json.line(n));
                warnIfStale(s, err);
                return ExitCodes.OK;
            }
            String modelName = locator().nameOf(modelSpec());
            if (!modelName.equals(c.name())) {
                throw new CommandFailure(ExitCodes.USAGE, "the styles are named by the text tower of the model that "
                        + "embedded collection " + c.name() + ", but --model (or $LOOKALIKE_MODEL) is " + modelName
                        + ": pass --model for " + c.name());
            }
            try (ClipModel model = loadModel()) {
                ClusterRun.Summary s;
                try {
                    s = ClusterRun.run(db, c, wanted, seed, model);
                } catch (ClusterException e) {
                    throw new CommandFailure(e.getMessage().startsWith("--k") ? ExitCodes.USAGE : ExitCodes.NOT_FOUND,
                            e.getMessage());
                }
                out.println(Json.line(summary(s)));
            }
        }
        return ExitCodes.OK;
    }

    static Integer parseK(String k) {
        String v = k == null ? "auto" : k.strip().toLowerCase(Locale.ROOT);
        if (v.equals("auto")) {
            return null;
        }
        try {
            int n = Integer.parseInt(v);
            if (n < 1) {
                throw new CommandFailure(ExitCodes.USAGE, "--k must be a number ≥ 1 or auto, got " + k);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new CommandFailure(ExitCodes.USAGE, "--k must be a number ≥ 1 or auto, got " + k);
        }
    }

    private Collection pickCollection(CatalogDb db) throws Exception {
        List<Collection> all = db.collections();
        if (all.isEmpty()) {
            throw new CommandFailure(ExitCodes.NOT_FOUND, "the catalogue " + catalogPath() + " has no vectors yet: "
                    + "run lookalike embed first");
        }
        String names = all.stream().map(Collection::name).collect(Collectors.joining(", "));
        if (collection != null) {
            return db.findCollection(collection.strip()).orElseThrow(() -> new CommandFailure(ExitCodes.NOT_FOUND,
                    "the catalogue has no collection " + collection.strip() + "; it has: " + names));
        }
        if (model == null && all.size() == 1) {
            return all.get(0);
        }
        String name = locator().nameOf(modelSpec());
        return db.findCollection(name).orElseThrow(() -> new CommandFailure(ExitCodes.NOT_FOUND,
                "the catalogue has no vectors of model " + name + "; it has: " + names));
    }

    /**
     * The {@code styles} object of embed's summary (and the body of {@code cluster --incremental}'s):
     * placed, clustered, incremental, incremental_share, stale.
     */
    static ObjectNode styles(ClusterUpdate.Summary s) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("placed", s.placed());
        n.put("clustered", s.clustered());
        n.put("incremental", s.incremental());
        n.put("incremental_share", Math.round(s.incrementalShare() * 10_000) / 10_000.0);
        n.put("stale", s.stale());
        return n;
    }

    /** Tells the user on {@code err} to run a full clustering when the update says the styles are stale. */
    static void warnIfStale(ClusterUpdate.Summary s, PrintStream err) {
        if (!s.projected()) {
            err.println("collection " + s.collection() + " was clustered before this Lookalike kept the map's "
                    + "projection, so new products could not join a style: run lookalike cluster again");
        } else if (s.stale()) {
            err.println(s.incremental() + " of " + s.clustered() + " products of " + s.collection() + " ("
                    + Math.round(s.incrementalShare() * 100) + "%, more than " + Math.round(ClusterUpdate.STALE_SHARE
                    * 100) + "%) joined the nearest style after the styles were made: run lookalike cluster again "
                    + "to make them anew");
        }
    }

    private static ObjectNode summary(ClusterRun.Summary s) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("collection", s.collection());
        n.put("products", s.products());
        n.put("k", s.k());
        n.put("auto", s.auto());
        if (s.auto()) {
            ObjectNode sil = n.putObject("silhouettes");
            for (Map.Entry<Integer, Double> e : s.silhouettes().entrySet()) {
                sil.put(String.valueOf(e.getKey()), Math.round(e.getValue() * 10_000) / 10_000.0);
            }
        }
        n.put("mini_batch", s.miniBatch());
        n.put("seconds", Math.round(s.seconds() * 1000) / 1000.0);
        ArrayNode clusters = n.putArray("clusters");
        for (StyleCluster c : s.clusters()) {
            ObjectNode o = clusters.addObject();
            o.put("id", c.id());
            o.put("label", c.label());
            o.put("size", c.size());
        }
        return n;
    }
}
