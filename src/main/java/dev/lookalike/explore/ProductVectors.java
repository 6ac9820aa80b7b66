package dev.lookalike.explore;

import dev.lookalike.catalog.CatalogDb;
import dev.lookalike.catalog.Collection;
import dev.lookalike.catalog.Product;
import dev.lookalike.catalog.ProductImageRef;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One unit vector per product, what clustering and the map work on: the normalised mean of the unit vectors
 * of its embedded photos. The mean rather than one photo because a product's photos (front, back, worn,
 * detail) all show it, and the normalised mean is the direction with the highest summed cosine to them; a
 * product with one photo gets that photo's vector. Products marked removed, or without an embedded photo,
 * are left out.
 *
 * @param ids    product ids, in id order
 * @param matrix row i is the vector of product {@code ids[i]}, row-major
 */
public record ProductVectors(int dim, String[] ids, Product[] products, float[] matrix) {

    public int size() {
        return ids.length;
    }

    /** The mean of the product vectors (not normalised). */
    public float[] mean() {
        float[] m = new float[dim];
        for (int r = 0; r < ids.length; r++) {
            for (int i = 0; i < dim; i++) {
                m[i] += matrix[r * dim + i];
            }
        }
        for (int i = 0; i < dim; i++) {
            m[i] /= Math.max(1, ids.length);
        }
        return m;
    }

    public float[] row(int i) {
        return java.util.Arrays.copyOfRange(matrix, i * dim, i * dim + dim);
    }

    /** The product vectors of the collection in the catalogue. */
    public static ProductVectors load(CatalogDb db, Collection collection) {
        List<Product> products = db.products();
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < products.size(); i++) {
            index.put(products.get(i).id(), i);
        }
        Map<String, List<Integer>> productsOfImage = new HashMap<>();
        for (ProductImageRef ref : db.productImageRefs()) {
            Integer p = index.get(ref.productId());
            if (p != null) {
                List<Integer> list = productsOfImage.computeIfAbsent(ref.imageId(), k -> new ArrayList<>());
                if (!list.contains(p)) {
                    list.add(p);
                }
            }
        }
        double[][] sums = new double[products.size()][];
        int[] dimSeen = {-1};
        db.forEachVector(collection.id(), v -> {
            List<Integer> owners = productsOfImage.get(v.imageId());
            if (owners == null) {
                return;
            }
            float[] x = v.vector();
            if (dimSeen[0] < 0) {
                dimSeen[0] = x.length;
            } else if (x.length != dimSeen[0]) {
                throw new IllegalStateException("collection " + collection.name() + " mixes vector lengths "
                        + dimSeen[0] + " and " + x.length);
            }
            double norm = 0;
            for (float f : x) {
                norm += (double) f * f;
            }
            double inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
            for (int p : owners) {
                if (sums[p] == null) {
                    sums[p] = new double[x.length];
                }
                for (int i = 0; i < x.length; i++) {
                    sums[p][i] += x[i] * inv;
                }
            }
        });
        int dim = Math.max(0, dimSeen[0]);
        List<Integer> kept = new ArrayList<>();
        for (int p = 0; p < sums.length; p++) {
            if (sums[p] != null && norm(sums[p]) > 0) {
                kept.add(p);
            }
        }
        float[] matrix = new float[kept.size() * dim];
        String[] ids = new String[kept.size()];
        Product[] kept2 = new Product[kept.size()];
        for (int r = 0; r < kept.size(); r++) {
            int p = kept.get(r);
            double inv = 1 / norm(sums[p]);
            for (int i = 0; i < dim; i++) {
                matrix[r * dim + i] = (float) (sums[p][i] * inv);
            }
            ids[r] = products.get(p).id();
            kept2[r] = products.get(p);
        }
        return new ProductVectors(dim, ids, kept2, matrix);
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }
}
