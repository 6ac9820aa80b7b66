package dev.lookalike.search;

import dev.lookalike.catalog.Product;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which products of different shops are found to be the same item, on catalogues built by hand. */
class SameItemsTest {

    static final int DIM = 6;

    /** A catalogue under construction: products, photos by name, which product shows which photo. */
    static final class Catalogue {
        final List<Product> products = new ArrayList<>();
        final Map<String, float[]> photos = new LinkedHashMap<>();
        final List<List<String>> shown = new ArrayList<>();

        /** A photo whose cosine with unit axis 0 is {@code c} (its other part on {@code axis}). */
        Catalogue photo(String key, double c, int axis) {
            float[] v = new float[DIM];
            v[0] = (float) c;
            v[axis] += (float) Math.sqrt(1 - c * c);
            photos.put(key, v);
            return this;
        }

        int product(String shop, String name, String... photoKeys) {
            return productAt(shop, "https://" + shop + ".example/" + products.size(), name, photoKeys);
        }

        int productAt(String shop, String url, String name, String... photoKeys) {
            products.add(new Product(url.hashCode() + "-" + products.size(), url, name, 9.5, "EUR", null, shop,
                    null, null));
            shown.add(List.of(photoKeys));
            return products.size() - 1;
        }

        SameItems find() {
            List<String> keys = new ArrayList<>(photos.keySet());
            float[] matrix = new float[keys.size() * DIM];
            List<List<Integer>> rowProducts = new ArrayList<>();
            for (int r = 0; r < keys.size(); r++) {
                float[] v = photos.get(keys.get(r));
                double norm = Math.sqrt(dot(v, v));
                for (int d = 0; d < DIM; d++) {
                    matrix[r * DIM + d] = (float) (v[d] / norm);
                }
                rowProducts.add(new ArrayList<>());
            }
            int[][] productRows = new int[products.size()][];
            for (int p = 0; p < products.size(); p++) {
                productRows[p] = shown.get(p).stream().mapToInt(keys::indexOf).toArray();
                for (int r : productRows[p]) {
                    rowProducts.get(r).add(p);
                }
            }
            return SameItems.find(DIM, matrix, products.toArray(Product[]::new), productRows,
                    rowProducts.stream().map(l -> l.stream().mapToInt(Integer::intValue).toArray()).toArray(int[][]::new));
        }
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    static boolean together(SameItems items, int a, int b) {
        return items.groupOf(a) == items.groupOf(b);
    }

    @Test
    void identicalPhotosAcrossShopsAreOneItemWhateverTheNames() {
        Catalogue c = new Catalogue().photo("x", 1, 1).photo("y", 0, 1);
        int a = c.product("north", "Chaz Kangeroo Hoodie", "x");
        int b = c.product("south", "Sweatshirt with hood", "y", "x");
        int other = c.product("east", "Stark Tee", "y"); // shares a photo with b, and b with a
        SameItems items = c.find();
        assertTrue(together(items, a, b));
        assertTrue(together(items, b, other));
        assertEquals(1, items.groupCount());
        assertArrayEquals(new int[] {0, 1, 2}, items.members(0));
    }

    @Test
    void identicalPhotosWithinOneShopAreNoEvidenceForAnyone() {
        Catalogue c = new Catalogue().photo("size-chart", 1, 1);
        int a1 = c.product("north", "Chaz Hoodie", "size-chart");
        int a2 = c.product("north", "Stark Tee", "size-chart");
        int b = c.product("south", "Chaz Hoodie", "size-chart");
        SameItems items = c.find();
        assertEquals(3, items.groupCount(), "a photo two products of one shop show is shared artwork");
        assertFalse(together(items, a1, a2));
        assertFalse(together(items, a1, b));
    }

    @Test
    void nearDuplicatePhotosWithSimilarNamesAreOneItem() {
        Catalogue c = new Catalogue().photo("a", 1, 1).photo("b", 0.97, 1);
        int a = c.product("north", "Chaz Kangeroo Hoodie", "a");
        int b = c.product("south", "Chaz Kangaroo Hoodie - Men's", "b");
        SameItems items = c.find();
        assertTrue(together(items, a, b));
        assertEquals(1, items.groupCount());
    }

    @Test
    void nearDuplicatePhotosWithDissimilarNamesAreNot() {
        Catalogue c = new Catalogue().photo("a", 1, 1).photo("b", 0.99, 1).photo("c", 0.99, 2);
        int hoodie = c.product("north", "Chaz Hoodie Black", "a");
        int tee = c.product("south", "Stark Tee", "b");
        int blue = c.product("east", "Chaz Hoodie Blue", "c"); // another colour: another item
        SameItems items = c.find();
        assertFalse(together(items, hoodie, tee));
        assertFalse(together(items, hoodie, blue));
        assertEquals(3, items.groupCount());
    }

    @Test
    void photosBelowTheThresholdAreNotNearDuplicates() {
        double below = SameItems.MIN_COSINE - 0.005;
        double above = SameItems.MIN_COSINE + 0.005;
        Catalogue c = new Catalogue().photo("a", 1, 1).photo("below", below, 1).photo("above", above, 2);
        int a = c.product("north", "Chaz Kangeroo Hoodie", "a");
        int far = c.product("south", "Chaz Kangeroo Hoodie", "below");
        int near = c.product("east", "Chaz Kangeroo Hoodie", "above");
        SameItems items = c.find();
        assertTrue(together(items, a, near));
        assertFalse(together(items, a, far));
        assertFalse(together(items, near, far), "below-threshold " + below + " vs above " + above);
    }

    @Test
    void theBestPhotoPairDecides() {
        // the shops' first photos differ (front, back); the back views are near-duplicates
        Catalogue c = new Catalogue().photo("front", 0, 3).photo("back", 1, 1).photo("back2", 0.98, 2)
                .photo("detail", 0, 4);
        int a = c.product("north", "Chaz Kangeroo Hoodie", "front", "back");
        int b = c.product("south", "Chaz Kangeroo Hoodie", "detail", "back2");
        assertTrue(together(c.find(), a, b));
    }

    @Test
    void aGroupNeverHoldsTwoProductsOfOneShopNotEvenThroughAThirdShop() {
        Catalogue c = new Catalogue().photo("a1", 1, 1).photo("b1", 0.99, 1).photo("a2", 0.99, 2);
        int a1 = c.product("north", "Chaz Kangeroo Hoodie", "a1");
        int b1 = c.product("south", "Chaz Kangeroo Hoodie", "b1");
        int a2 = c.product("north", "Chaz Kangeroo Hoodie Zip", "a2");
        SameItems items = c.find();
        // cos(a1,b1) = 0.99 beats cos(b1,a2) = 0.99·0.99 + 0: a1 and b1 go together, a2 stays out
        assertTrue(together(items, a1, b1));
        assertFalse(together(items, a1, a2));
        assertFalse(together(items, b1, a2));

        // identical photos chain the same way: A1=B1 (two photos), B1=A2 (one)
        Catalogue d = new Catalogue().photo("x", 1, 1).photo("y", 0, 1).photo("z", 0, 2);
        int d1 = d.product("north", "one", "x", "y");
        int e1 = d.product("south", "two", "x", "y", "z");
        int d2 = d.product("north", "three", "z");
        items = d.find();
        assertTrue(together(items, d1, e1), "two shared photos beat one");
        assertFalse(together(items, d1, d2));
        assertFalse(together(items, e1, d2));

        // two groups that each hold a product of north are never merged: {A1,B1} and {C1,A2}
        Catalogue e = new Catalogue().photo("p1", 1, 1).photo("p2", 0, 1).photo("q1", 0, 2).photo("q2", 0, 3)
                .photo("r", 0, 4);
        int f1 = e.product("north", "one", "p1", "p2");
        int g1 = e.product("south", "two", "p1", "p2", "r");
        int h1 = e.product("west", "three", "q1", "q2", "r");
        int f2 = e.product("north", "four", "q1", "q2");
        items = e.find();
        assertTrue(together(items, f1, g1));
        assertTrue(together(items, h1, f2));
        assertFalse(together(items, g1, h1));
        assertEquals(2, items.groupCount());
    }

    @Test
    void productsWithoutPhotosAreAlone() {
        Catalogue c = new Catalogue().photo("a", 1, 1).photo("b", 0.99, 1);
        int bare = c.product("north", "Chaz Kangeroo Hoodie");
        int a = c.product("south", "Chaz Kangeroo Hoodie", "a");
        int bare2 = c.product("east", "Chaz Kangeroo Hoodie");
        int b = c.product("west", "Chaz Kangeroo Hoodie", "b");
        SameItems items = c.find();
        assertTrue(together(items, a, b));
        assertEquals(3, items.groupCount());
        assertArrayEquals(new int[] {bare}, items.members(items.groupOf(bare)));
        assertArrayEquals(new int[] {bare2}, items.members(items.groupOf(bare2)));
        assertArrayEquals(new int[] {a, b}, items.members(items.groupOf(a)));
        assertEquals(0, items.groupOf(bare), "groups are numbered by their first member");
        assertEquals(2, items.groupOf(bare2));
    }

    @Test
    void withoutAShopNameTheHostIsTheShop() {
        Catalogue c = new Catalogue().photo("x", 1, 1);
        int a = c.productAt(null, "https://www.north.example/p/1", "Chaz Hoodie", "x");
        int b = c.productAt(" ", "https://north.example/p/2", "Chaz Hoodie", "x");
        int d = c.productAt("", "https://south.example/p/3", "Chaz Hoodie", "x");
        SameItems items = c.find();
        assertEquals("north.example", SameItems.shopOf(c.products.get(a)));
        assertEquals("north.example", SameItems.shopOf(c.products.get(b)));
        assertFalse(together(items, a, d), "north's photo is shared artwork: two products of north show it");
        assertEquals(3, items.groupCount());

        Catalogue e = new Catalogue().photo("x", 1, 1).photo("y", 0, 1);
        int f = e.productAt(null, "https://www.north.example/p/1", "Chaz Hoodie", "x", "y");
        int g = e.productAt("North", "https://north.example/p/2", "Chaz Hoodie", "x");
        int h = e.productAt("NORTH", "https://elsewhere.example/p/2", "Chaz Hoodie", "y");
        items = e.find();
        assertTrue(together(items, f, g) || together(items, f, h), "the host north.example is not the shop North");
        assertFalse(together(items, g, h), "shop names are compared without case");
    }

    @Test
    void namesAreSimilarWhenTheShorterOneIsAlmostAllInTheLonger() {
        assertTrue(similar("Chaz Kangeroo Hoodie", "Chaz Kangaroo Hoodie - Men's"));
        assertTrue(similar("Chaz Kangaroo Hoodie - Mens", "chaz kangaroo HOODIES men's"));
        assertTrue(similar("Café Crème Mug", "cafe creme mug"));
        assertTrue(similar("Hoodie", "Chaz Hoodie"));
        assertTrue(similar("Air Max 90", "Nike Air Max 90 Trainers"));
        assertFalse(similar("Chaz Hoodie Black", "Stark Tee"));
        assertFalse(similar("Chaz Hoodie Black", "Chaz Hoodie Blue"));
        assertFalse(similar("iPhone 13 Case", "iPhone 14 Case"));
        assertFalse(similar("Chaz Hoodie - Men's", "Chaz Hoodie - Women's"));
        assertFalse(similar("Hoodie", "Chaz Hoodie Black Zip"), "the longer name is mostly other words");
        assertFalse(similar("", "Chaz Hoodie"));
        assertTrue(SameItems.oneTypoApart("kangeroo", "kangaroo"));
        assertTrue(SameItems.oneTypoApart("hoodie", "hodie"));
        assertTrue(SameItems.oneTypoApart("hoodie", "hoodei"));
        assertFalse(SameItems.oneTypoApart("hoodie", "hoodie"));
        assertFalse(SameItems.oneTypoApart("black", "blue"));
        assertFalse(SameItems.oneTypoApart("sku500", "sku550"), "numbers are never fuzzy");
        assertFalse(SameItems.oneTypoApart("tee", "toe"), "short words are never fuzzy");
    }

    @Test
    void theBrandAndTheShopInANameAreNoise() {
        Product nike = new Product("1", "https://north.example/1", "Nike Air Max 90 | North Sports", null, null,
                "Nike", "North Sports", null, null);
        assertEquals(List.of("90", "air", "max"), List.of(SameItems.nameTokens(nike)));
        Product onlyBrand = new Product("2", "https://north.example/2", "Nike", null, null, "Nike", "North", null, null);
        assertEquals(List.of("nike"), List.of(SameItems.nameTokens(onlyBrand)), "a name that is only noise stays");
        assertEquals(List.of("hoodie", "kangaroo", "men"),
                List.of(SameItems.fold("The Kangaroo Hoodies, for Men's (S)")));
    }

    private static boolean similar(String a, String b) {
        return SameItems.namesSimilar(SameItems.fold(a), SameItems.fold(b));
    }

    @Test
    void namesOfOnlyCommonWordsAreComparedByTheirPairs() {
        // "black" and "hoodie" are each in more products than a blocking key may hold,
        // but the pair "black hoodie" is in two: those two are still compared
        Catalogue c = new Catalogue().photo("a", 1, 1).photo("b", 0.98, 1);
        for (int i = 0; i < SameItems.MAX_BLOCK; i++) {
            c.photo("black" + i, 0, 2).photo("hoodie" + i, 0, 3);
            c.product("filler" + i % 3, "Black Item" + i, "black" + i);
            c.product("filler" + i % 3, "Hoodie Thing" + i, "hoodie" + i);
        }
        int a = c.product("north", "Black Hoodie", "a");
        int b = c.product("south", "Black Hoodie", "b");
        SameItems items = c.find();
        assertTrue(together(items, a, b));
        assertEquals(c.products.size() - 1, items.groupCount());
    }

    @Test
    void theGroupsDoNotDependOnTheOrderOfTheProducts() {
        Random rnd = new Random(11);
        String[] words = {"chaz", "stark", "kangaroo", "hoodie", "tee", "zip", "fleece", "black", "blue", "men", "cargo",
            "short", "dress", "linen", "wool", "trail", "runner", "boot", "cap", "bag"};
        Catalogue c = new Catalogue();
        int photo = 0;
        for (int i = 0; i < 300; i++) {
            String name = words[rnd.nextInt(words.length)] + " " + words[rnd.nextInt(words.length)] + " "
                    + words[rnd.nextInt(words.length)];
            float[] v = new float[DIM];
            for (int d = 0; d < DIM; d++) {
                v[d] = (float) rnd.nextGaussian();
            }
            List<String> keys = new ArrayList<>();
            if (rnd.nextInt(10) > 0) {
                String key = "p" + photo++;
                c.photos.put(key, v);
                keys.add(key);
            }
            String borrowed = photo == 0 ? null : "p" + rnd.nextInt(photo);
            if (rnd.nextInt(8) == 0 && borrowed != null && !keys.contains(borrowed)) {
                keys.add(borrowed); // another product's photo
            }
            c.product("shop" + rnd.nextInt(5), name, keys.toArray(String[]::new));
        }
        SameItems items = c.find();
        Set<Set<String>> groups = partition(c, items);
        assertTrue(groups.size() < 300 && groups.size() > 50, groups.size() + " groups");
        assertEquals(groups, partition(c, c.find()), "same input, same groups");

        List<Integer> order = new ArrayList<>();
        for (int p = 0; p < c.products.size(); p++) {
            order.add(p);
        }
        Collections.shuffle(order, new Random(5));
        Catalogue shuffled = new Catalogue();
        List<String> photoKeys = new ArrayList<>(c.photos.keySet());
        Collections.shuffle(photoKeys, new Random(6));
        photoKeys.forEach(k -> shuffled.photos.put(k, c.photos.get(k)));
        for (int p : order) {
            shuffled.products.add(c.products.get(p));
            shuffled.shown.add(c.shown.get(p));
        }
        assertEquals(groups, partition(shuffled, shuffled.find()));
    }

    private static Set<Set<String>> partition(Catalogue c, SameItems items) {
        Set<Set<String>> out = new HashSet<>();
        int members = 0;
        for (int g = 0; g < items.groupCount(); g++) {
            Set<String> ids = new TreeSet<>();
            int[] m = items.members(g);
            for (int i = 0; i < m.length; i++) {
                assertEquals(g, items.groupOf(m[i]));
                assertTrue(i == 0 || m[i] > m[i - 1], "members ascending");
                ids.add(c.products.get(m[i]).id());
            }
            Set<String> shops = new HashSet<>();
            for (int p : m) {
                assertTrue(shops.add(SameItems.shopOf(c.products.get(p))), "two products of one shop in " + ids);
            }
            members += m.length;
            out.add(ids);
        }
        assertEquals(c.products.size(), members);
        return out;
    }

    @Test
    void arraysThatDisagreeAreRefused() {
        Product p = new Product("1", "https://a.example/1", "x", null, null, null, "a", null, null);
        assertThrows(IllegalArgumentException.class,
                () -> SameItems.find(4, new float[6], new Product[] {p}, new int[][] {{0}}, new int[][] {{0}}));
        assertThrows(IllegalArgumentException.class,
                () -> SameItems.find(4, new float[4], new Product[] {p}, new int[0][], new int[][] {{0}}));
        assertEquals(0, SameItems.find(4, new float[0], new Product[0], new int[0][], new int[0][]).groupCount());
    }
}
