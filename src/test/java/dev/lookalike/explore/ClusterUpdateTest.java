package dev.lookalike.explore;

import dev.lookalike.catalog.CatalogDb;
import dev.lookalike.catalog.ClusterMember;
import dev.lookalike.catalog.ClusterProjection;
import dev.lookalike.catalog.Collection;
import dev.lookalike.catalog.Product;
import dev.lookalike.catalog.ProductImage;
import dev.lookalike.catalog.StyleCluster;
import dev.lookalike.embed.ClipModel;
import dev.lookalike.embed.EmbedRun;
import dev.lookalike.embed.ImageDecoder;
import dev.lookalike.embed.ModelLocator;
import dev.lookalike.embed.ProgressListener;
import dev.lookalike.scrape.PhotoStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Color;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Incremental placement after a full run, on the colour catalogue embedded with the colour fixture model:
 * products are added, re-photographed and stripped of their photos, embedded again, and each update is
 * checked against what the stored centroids and projection say.
 */
class ClusterUpdateTest {

    static ClipModel model;
    @TempDir
    static Path dir;
    static ColourCatalogue catalogue;

    @BeforeAll
    static void build() throws Exception {
        model = ModelLocator.loadDirectory(ColourCatalogue.MODEL);
        catalogue = new ColourCatalogue(dir, 8, model);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    /** A copy of the catalogue, clustered into its six colours by a full run. */
    private Path clustered(String name) throws Exception {
        Path file = dir.resolve(name + ".db");
        Files.copy(catalogue.file, file);
        try (CatalogDb db = CatalogDb.open(file)) {
            ClusterRun.run(db, db.findCollection("colour-clip").orElseThrow(), 6, 42, model);
        }
        return file;
    }

    @Test
    void rightAfterAFullRunNothingMovesAndTheStoredProjectionGivesTheFullRunsPlaces() throws Exception {
        try (CatalogDb db = CatalogDb.open(clustered("same"))) {
            Collection c = db.findCollection("colour-clip").orElseThrow();
            Map<String, ClusterMember> before = rows(db, c);
            ClusterProjection stored = db.clusters().projection(c.id()).orElseThrow();
            assertEquals(48, stored.products());
            Projection.Axes axes = ClusterUpdate.axes(stored);
            ProductVectors vectors = ProductVectors.load(db, c);
            for (int i = 0; i < vectors.size(); i++) {
                float[] p = axes.project(vectors.row(i));
                ClusterMember m = before.get(vectors.ids()[i]);
                assertEquals(m.x(), p[0], 1e-7, m.toString());
                assertEquals(m.y(), p[1], 1e-7, m.toString());
                assertFalse(m.incremental());
            }

            ClusterUpdate.Summary s = ClusterUpdate.run(db, c).orElseThrow();
            assertEquals(0, s.placed());
            assertEquals(0, s.left());
            assertEquals(48, s.clustered());
            assertEquals(0, s.incremental());
            assertFalse(s.stale());
            assertEquals(before, rows(db, c), "rows untouched");
        }
    }

    @Test
    void newProductsJoinTheNearestCentroidChangedOnesMoveAndPhotolessOnesLeave() throws Exception {
        try (CatalogDb db = CatalogDb.open(clustered("changes"))) {
            Collection c = db.findCollection("colour-clip").orElseThrow();
            List<StyleCluster> clustersBefore = db.clusters().clusters(c.id());
            Map<String, ClusterMember> before = rows(db, c);
            PhotoStore photos = new PhotoStore(db, new ImageDecoder());

            // two new red products, one new blue
            String red1 = add(db, photos, "new-red-1", new Color(240, 10, 5));
            String red2 = add(db, photos, "new-red-2", new Color(250, 20, 20));
            String blue = add(db, photos, "new-blue", new Color(10, 5, 245));
            // a red product re-photographed in blue: same photo URL, new bytes
            String recoloured = firstOf(0);
            ProductImage photo = db.productImages(recoloured).get(0);
            db.linkImage(new ProductImage(recoloured, photo.url(),
                    photos.store(ColourCatalogue.photo(new Color(0, 0, 250))).imageId(), null, 0));
            // a green product whose photos are gone from the shop
            String photoless = firstOf(1);
            for (ProductImage link : db.productImages(photoless)) {
                db.linkImage(new ProductImage(photoless, link.url(), null, "HTTP 404", link.position()));
            }
            new EmbedRun(db, model, new ImageDecoder(), 16, 1).run(ProgressListener.NONE);

            ClusterUpdate.Summary s = ClusterUpdate.run(db, c).orElseThrow();
            assertEquals(4, s.placed(), "three new, one changed");
            assertEquals(1, s.left());
            assertEquals(48 + 3 - 1, s.clustered());
            assertEquals(4, s.incremental());
            assertEquals(4.0 / 50, s.incrementalShare(), 1e-12);
            assertFalse(s.stale());

            Map<String, ClusterMember> after = rows(db, c);
            assertFalse(after.containsKey(photoless), "left its cluster");
            List<StyleCluster> clusters = db.clusters().clusters(c.id());
            Map<Long, StyleCluster> byId = new HashMap<>();
            for (StyleCluster cl : clusters) {
                byId.put(cl.id(), cl);
            }
            Projection.Axes axes = ClusterUpdate.axes(db.clusters().projection(c.id()).orElseThrow());
            ProductVectors vectors = ProductVectors.load(db, c);
            for (int i = 0; i < vectors.size(); i++) {
                String id = vectors.ids()[i];
                ClusterMember m = after.get(id);
                boolean moved = List.of(red1, red2, blue, recoloured).contains(id);
                assertEquals(moved, m.incremental(), id);
                if (!moved) {
                    assertEquals(before.get(id), m, "untouched: " + id);
                    continue;
                }
                // the nearest stored centroid, by brute force
                float[] v = vectors.row(i);
                StyleCluster best = null;
                double bestCos = -2;
                for (StyleCluster cl : clusters) {
                    double cos = 0;
                    for (int d = 0; d < v.length; d++) {
                        cos += v[d] * cl.centroid()[d];
                    }
                    if (cos > bestCos) {
                        bestCos = cos;
                        best = cl;
                    }
                }
                assertEquals(best.id(), m.clusterId(), id);
                assertEquals(1 - bestCos, m.distance(), 1e-5, id);
                float[] p = axes.project(v);
                assertEquals(p[0], m.x(), 1e-7);
                assertEquals(p[1], m.y(), 1e-7);
            }
            assertTrue(byId.get(after.get(red1).clusterId()).label().startsWith("red"));
            assertTrue(byId.get(after.get(red2).clusterId()).label().startsWith("red"));
            assertTrue(byId.get(after.get(blue).clusterId()).label().startsWith("blue"));
            assertTrue(byId.get(after.get(recoloured).clusterId()).label().startsWith("blue"), "moved to blue");
            assertNotEquals(before.get(recoloured).clusterId(), after.get(recoloured).clusterId());

            // sizes recounted; centroids and labels as the full run made them
            Map<Long, Integer> counted = new HashMap<>();
            after.values().forEach(m -> counted.merge(m.clusterId(), 1, Integer::sum));
            for (StyleCluster old : clustersBefore) {
                StyleCluster now = byId.get(old.id());
                assertEquals(counted.getOrDefault(old.id(), 0), now.size(), now.label());
                assertEquals(old.label(), now.label());
                assertTrue(java.util.Arrays.equals(old.centroid(), now.centroid()), now.label());
                assertEquals(old.x(), now.x());
            }
            assertEquals(50, clusters.stream().mapToInt(StyleCluster::size).sum());
            assertEquals(4, StyleMap.load(db, c).incremental());

            // a second update has nothing left to do
            ClusterUpdate.Summary again = ClusterUpdate.run(db, c).orElseThrow();
            assertEquals(0, again.placed());
            assertEquals(0, again.left());
            assertEquals(4, again.incremental());
        }
    }

    @Test
    void pastAFifthPlacedIncrementallyTheStylesAreStaleAndAFullRunResetsThat() throws Exception {
        try (CatalogDb db = CatalogDb.open(clustered("stale"))) {
            Collection c = db.findCollection("colour-clip").orElseThrow();
            PhotoStore photos = new PhotoStore(db, new ImageDecoder());
            for (int i = 0; i < 13; i++) {
                add(db, photos, "extra-" + i, new Color(0, 160 + i, 10));
            }
            new EmbedRun(db, model, new ImageDecoder(), 16, 1).run(ProgressListener.NONE);
            ClusterUpdate.Summary s = ClusterUpdate.run(db, c).orElseThrow();
            assertEquals(13, s.placed());
            assertEquals(61, s.clustered());
            assertTrue(s.incrementalShare() > ClusterUpdate.STALE_SHARE, String.valueOf(s.incrementalShare()));
            assertTrue(s.stale());

            ClusterRun.run(db, c, 6, 42, model);
            ClusterUpdate.Summary fresh = ClusterUpdate.run(db, c).orElseThrow();
            assertEquals(0, fresh.incremental());
            assertFalse(fresh.stale());
            assertEquals(61, db.clusters().projection(c.id()).orElseThrow().products());
        }
    }

    @Test
    void aCollectionNeverClusteredHasNothingToUpdate() {
        try (CatalogDb db = CatalogDb.open(catalogue.file)) {
            Collection c = db.findCollection("colour-clip").orElseThrow();
            assertTrue(db.clusters().clusters(c.id()).isEmpty(), "the tests cluster copies of the catalogue");
            assertTrue(ClusterUpdate.run(db, c).isEmpty());
            assertTrue(db.clusters().placements(c.id()).isEmpty(), "and the update does not cluster it");
            Collection empty = db.collection("never-clustered", "never-clustered");
            assertTrue(ClusterUpdate.run(db, empty).isEmpty());
        }
    }

    private static String add(CatalogDb db, PhotoStore photos, String name, Color colour) throws Exception {
        String url = "https://colours.test/p/" + name;
        Product p = new Product(Product.idFor(url), url, "Item " + name + " mug", 10.0, "EUR", "Acme", "Colours",
                null, "home/mug");
        db.upsertProduct(p);
        db.linkImage(new ProductImage(p.id(), url + "/1.png", photos.store(ColourCatalogue.photo(colour)).imageId(),
                null, 0));
        return p.id();
    }

    /** The second product of a colour group: one photo (the catalogue gives every fifth, i = 0 included, two). */
    private static String firstOf(int group) {
        return catalogue.truth.entrySet().stream().filter(e -> e.getValue() == group).skip(1).findFirst()
                .orElseThrow().getKey();
    }

    private static Map<String, ClusterMember> rows(CatalogDb db, Collection c) {
        Map<String, ClusterMember> out = new HashMap<>();
        for (ClusterMember m : db.clusters().placements(c.id())) {
            out.put(m.productId(), m);
        }
        return out;
    }
}
