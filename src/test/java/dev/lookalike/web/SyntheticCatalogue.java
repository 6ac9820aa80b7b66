package dev.lookalike.web;

import dev.lookalike.catalog.CatalogDb;
import dev.lookalike.catalog.Collection;
import dev.lookalike.catalog.NewVector;
import dev.lookalike.catalog.Product;
import dev.lookalike.catalog.ProductImage;
import dev.lookalike.embed.Vectors;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A catalogue of N products with one random unit vector each, for tools/load-bench.sh; not a test.
 * {@code java … SyntheticCatalogue FILE N DIM COLLECTION} writes FILE and FILE.ids (one product id a line).
 */
public final class SyntheticCatalogue {

    private SyntheticCatalogue() {}

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int n = Integer.parseInt(args[1]);
        int dim = Integer.parseInt(args[2]);
        String collection = args[3];
        Random rnd = new Random(42);
        List<String> ids = new ArrayList<>();
        String[] shops = {"North", "South", "East", "West", "Central"};
        try (CatalogDb db = CatalogDb.open(file)) {
            Collection c = db.collection(collection, collection);
            List<NewVector> batch = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String url = "https://synthetic.test/p/" + i;
                Product p = Product.of(url, "Product " + i, 5 + rnd.nextInt(49_500) / 100.0, "EUR",
                        "Brand " + rnd.nextInt(20), shops[rnd.nextInt(shops.length)], null, null);
                db.upsertProduct(p);
                byte[] bytes = ("synthetic photo " + i).getBytes(StandardCharsets.UTF_8);
                String image = db.putImage(bytes, 1, 1, "png", null, null);
                db.linkImage(new ProductImage(p.id(), url + "/1.jpg", image, null, 0));
                float[] v = new float[dim];
                for (int d = 0; d < dim; d++) {
                    v[d] = (float) rnd.nextGaussian();
                }
                batch.add(new NewVector(image, Vectors.normalize(v), CatalogDb.md5(bytes), null));
                if (batch.size() == 1000) {
                    db.saveVectors(c.id(), batch);
                    batch.clear();
                }
                ids.add(p.id());
            }
            db.saveVectors(c.id(), batch);
        }
        Files.write(Path.of(file + ".ids"), ids);
        System.out.println(file.toAbsolutePath());
    }
}
