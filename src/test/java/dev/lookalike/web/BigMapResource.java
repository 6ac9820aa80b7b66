package dev.lookalike.web;

import dev.lookalike.catalog.CatalogDb;
import dev.lookalike.catalog.ImageInfo;
import dev.lookalike.catalog.Product;
import dev.lookalike.embed.ClipModel;
import dev.lookalike.embed.ModelLocator;
import dev.lookalike.embed.Vectors;
import dev.lookalike.explore.ClusterRun;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.Map;
import java.util.Random;

/**
 * A catalogue of {@value #PRODUCTS} products for timing the map in the browser: 8-dimensional vectors (the
 * colour fixture model's length, so its text tower names the clusters) around 16 random centres, clustered
 * with {@code --k 16} as {@code lookalike cluster} would. The photos are placeholders: the map draws dots.
 */
public class BigMapResource implements QuarkusTestResourceLifecycleManager {

    static final int PRODUCTS = 20_000;

    @Override
    public Map<String, String> start() {
        try {
            long t = System.nanoTime();
            Path dir = Files.createTempDirectory("lookalike-big-map");
            Path file = dir.resolve("big.db");
            Random rnd = new Random(8);
            float[][] centres = new float[16][8];
            for (float[] c : centres) {
                for (int i = 0; i < 8; i++) {
                    c[i] = (float) rnd.nextGaussian();
                }
            }
            CatalogDb.open(file).close(); // the schema
            // one transaction of batched inserts: a minute through CatalogDb's one-transaction-per-call methods
            try (Connection conn = DriverManager.getConnection("jdbc:sqlite:" + file)) {
                conn.setAutoCommit(false);
                try (Statement st = conn.createStatement()) {
                    st.execute("INSERT INTO collections(name, model) VALUES ('colour-clip', 'colour-clip')");
                }
                try (PreparedStatement product = conn.prepareStatement("INSERT INTO products(id, url, name, price, "
                        + "currency, brand, shop) VALUES (?,?,?,?,'EUR','Brand','Big')");
                     PreparedStatement image = conn.prepareStatement("INSERT INTO images(id, width, height, format, "
                             + "size) VALUES (?,1,1,'png',1)");
                     PreparedStatement link = conn.prepareStatement("INSERT INTO product_images(product_id, url, "
                             + "image_id, position) VALUES (?,?,?,0)");
                     PreparedStatement vector = conn.prepareStatement("INSERT INTO embeddings(collection_id, id, "
                             + "embedding, content_hash, updated) VALUES ((SELECT id FROM collections), ?, ?, ?, 0)")) {
                    for (int i = 0; i < PRODUCTS; i++) {
                        String url = "https://big.test/p/" + i;
                        String id = Product.idFor(url);
                        byte[] bytes = ("placeholder photo " + i).getBytes(StandardCharsets.UTF_8);
                        String imageId = ImageInfo.idOf(bytes);
                        product.setString(1, id);
                        product.setString(2, url);
                        product.setString(3, "Product " + i);
                        product.setDouble(4, 5.0 + rnd.nextInt(500));
                        product.addBatch();
                        image.setString(1, imageId);
                        image.addBatch();
                        link.setString(1, id);
                        link.setString(2, url + "/1.png");
                        link.setString(3, imageId);
                        link.addBatch();
                        float[] centre = centres[i % centres.length];
                        float[] v = new float[8];
                        for (int d = 0; d < 8; d++) {
                            v[d] = (float) (centre[d] + 0.35 * rnd.nextGaussian());
                        }
                        vector.setString(1, imageId);
                        vector.setBytes(2, CatalogDb.encode(Vectors.normalize(v)));
                        vector.setBytes(3, CatalogDb.md5(bytes));
                        vector.addBatch();
                    }
                    product.executeBatch();
                    image.executeBatch();
                    link.executeBatch();
                    vector.executeBatch();
                }
                conn.commit();
            }
            long clustering = System.nanoTime();
            try (CatalogDb db = CatalogDb.open(file); ClipModel model = ModelLocator.loadDirectory(TestShop.MODEL)) {
                ClusterRun.run(db, db.findCollection(model.name()).orElseThrow(), 16, 42, model);
            }
            System.out.printf("clustered it in %.1f s%n", (System.nanoTime() - clustering) / 1e9);
            System.out.printf("built and clustered a %,d-product catalogue in %.1f s%n", PRODUCTS,
                    (System.nanoTime() - t) / 1e9);
            return Map.of("lookalike.catalog", file.toString(), "lookalike.model", TestShop.MODEL.toString(),
                    "lookalike.model-cache", dir.resolve("model-cache").toString());
        } catch (Exception e) {
            throw new IllegalStateException("cannot build the big catalogue: " + e.getMessage(), e);
        }
    }

    @Override
    public void stop() {
        // the temporary folder is left to the OS, as TestShopResource does
    }
}
