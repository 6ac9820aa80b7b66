package dev.lookalike.explore;

import dev.lookalike.catalog.CatalogDb;
import dev.lookalike.catalog.ClusterMember;
import dev.lookalike.catalog.Collection;
import dev.lookalike.catalog.StyleCluster;
import dev.lookalike.embed.ClipModel;
import dev.lookalike.embed.ModelLocator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The whole run on a colour catalogue embedded with the colour fixture model: groups, names, storage. */
class ClusterRunTest {

    static ClipModel model;
    @TempDir
    static Path dir;
    static ColourCatalogue catalogue;

    @BeforeAll
    static void build() throws Exception {
        model = ModelLocator.loadDirectory(ColourCatalogue.MODEL);
        catalogue = new ColourCatalogue(dir, 12, model);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void recoversTheColourGroupsAndNamesEachByItsColour() {
        try (CatalogDb db = CatalogDb.open(catalogue.file)) {
            Collection c = db.findCollection("colour-clip").orElseThrow();
            ClusterRun.Summary s = ClusterRun.run(db, c, 6, 42, model);
            assertEquals(72, s.products());
            List<StyleCluster> clusters = db.clusters().clusters(c.id());
            assertEquals(6, clusters.size());
            int[] truth = new int[72];
            int[] found = new int[72];
            Map<String, Integer> position = new HashMap<>();
            List<String> ids = new ArrayList<>(catalogue.truth.keySet());
            for (int i = 0; i < ids.size(); i++) {
                position.put(ids.get(i), i);
                truth[i] = catalogue.truth.get(ids.get(i));
            }
            for (int ci = 0; ci < clusters.size(); ci++) {
                StyleCluster cl = clusters.get(ci);
                List<ClusterMember> members = db.clusters().members(cl.id(), 1000, 0);
                assertEquals(cl.size(), members.size());
                int[] votes = new int[ColourCatalogue.NAMES.length];
                for (ClusterMember m : members) {
                    found[position.get(m.productId())] = ci;
                    votes[catalogue.truth.get(m.productId())]++;
                    assertTrue(m.x() >= -1 && m.x() <= 1 && m.y() >= -1 && m.y() <= 1, m.toString());
                }
                int majority = 0;
                for (int g = 1; g < votes.length; g++) {
                    if (votes[g] > votes[majority]) {
                        majority = g;
                    }
                }
                String first = cl.label().split(" · ")[0];
                System.out.println("cluster " + cl.id() + " (" + cl.size() + " products, mostly "
                        + ColourCatalogue.NAMES[majority] + "): " + cl.label());
                assertEquals(ColourCatalogue.NAMES[majority], first, "label " + cl.label());
                assertTrue(cl.label().split(" · ").length >= 2, "two or three words: " + cl.label());
            }
            double ari = Groups.adjustedRand(truth, found);
            System.out.printf("colour catalogue, 72 products in 6 colours: adjusted Rand index %.4f%n", ari);
            assertEquals(1.0, ari, 1e-9, "every colour group is one cluster");
        }
    }

    @Test
    void rerunningWithTheSameSeedGivesTheSameClustersAndReplacesTheOldRows() {
        try (CatalogDb db = CatalogDb.open(catalogue.file)) {
            Collection c = db.findCollection("colour-clip").orElseThrow();
            ClusterRun.run(db, c, null, 7, model);
            Map<String, String> first = labelOfEachProduct(db, c);
            ClusterRun.Summary again = ClusterRun.run(db, c, null, 7, model);
            assertTrue(again.auto());
            assertEquals(first, labelOfEachProduct(db, c));
            assertEquals(again.k(), db.clusters().clusters(c.id()).size(), "the earlier run's clusters are gone");
            int[] count = {0};
            db.clusters().forEachMember(c.id(), m -> count[0]++);
            assertEquals(72, count[0], "each product in one cluster");
        }
    }

    @Test
    void tooManyClustersAndAnEmptyCollectionAreClearErrors() {
        try (CatalogDb db = CatalogDb.open(catalogue.file)) {
            Collection c = db.findCollection("colour-clip").orElseThrow();
            ClusterException e = assertThrows(ClusterException.class, () -> ClusterRun.run(db, c, 73, 1, model));
            assertTrue(e.getMessage().contains("between 1 and the number of products with vectors (72)"), e.getMessage());
            Collection empty = db.collection("nothing-yet", "nothing-yet");
            e = assertThrows(ClusterException.class, () -> ClusterRun.run(db, empty, null, 1, model));
            assertTrue(e.getMessage().contains("run lookalike embed first"), e.getMessage());
        }
    }

    private static Map<String, String> labelOfEachProduct(CatalogDb db, Collection c) {
        Map<Long, String> labels = new HashMap<>();
        for (StyleCluster cl : db.clusters().clusters(c.id())) {
            labels.put(cl.id(), cl.label() + "/" + cl.size());
        }
        Map<String, String> out = new HashMap<>();
        db.clusters().forEachMember(c.id(), m -> out.put(m.productId(), labels.get(m.clusterId())));
        return out;
    }
}
