package dev.lookalike.search;

import dev.lookalike.catalog.CatalogDb;
import dev.lookalike.catalog.CrawlStore;
import dev.lookalike.catalog.Product;
import dev.lookalike.catalog.ProductImage;
import dev.lookalike.embed.ClipModel;
import dev.lookalike.embed.DecodedImage;
import dev.lookalike.embed.EmbedRun;
import dev.lookalike.embed.ImageDecodeException;
import dev.lookalike.embed.ImageDecoder;
import dev.lookalike.embed.ProgressListener;
import dev.lookalike.scrape.CsvRows;
import org.jsoup.Jsoup;
import org.jsoup.parser.Parser;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Luma sample shop ({@code ../shared/photos/magento-luma}) as a two-shop Lookalike catalogue, for
 * search-quality tests. Shop {@value #LUMA} holds one product per Magento <em>configurable</em> product, as
 * shoppers see it: its colour variants folded in, the photos of every colour, the name, the category path
 * ("Men/Tops/Hoodies &amp; Sweatshirts"), the description without HTML, the configurable SKU, brand Luma and
 * the fixture's price in USD. Shop {@value #OUTLET} holds {@value #OUTLET_COPIES} of the same items
 * (reworded names, 10–30% cheaper, their own item codes, one photo each: half the Luma photo's very bytes,
 * half the photo re-encoded) and {@value #OUTLET_ONLY} products Luma's configurable range lacks (its gear).
 * Every photo is embedded through {@link EmbedRun}, as {@code lookalike embed} does.
 *
 * <p>Everything is derived from the fixture files with a fixed seed, so two builds hold the same products;
 * nothing is cached between builds, and nothing is written outside the folder given.
 */
public final class LumaCatalogue {

    /** The shop of the configurable products. */
    public static final String LUMA = "luma.example";
    /** The second shop: copies of some Luma items, and products of its own. */
    public static final String OUTLET = "outlet.example";
    /** How many Luma items the outlet also sells. */
    public static final int OUTLET_COPIES = 40;
    /** How many products only the outlet sells. */
    public static final int OUTLET_ONLY = 20;

    /** Which of a product's photos go in: every view, or its first photo plus each colour's main one. */
    public enum Views { ALL, MAIN_PER_COLOUR }

    /**
     * One product of the catalogue, with what the judgements need to know of it.
     *
     * @param id       the catalogue's product id
     * @param sku      the shop's product code (the Magento configurable SKU in Luma, the outlet's own code there)
     * @param colours  the colours the shop sells it in: Luma's variation colours, or for the outlet the colour
     *                 of the one photo it shows (labels.csv), capitalised as the fixtures write them
     * @param photos   the photo files (relative to {@code images/}) the product shows, in shop order
     */
    public record Item(String id, String shop, String sku, String name, String category, Set<String> colours,
                       double price, List<String> photos) {}

    /** An outlet product that is the same item as a Luma product; {@code sameBytes} when its photo is Luma's file. */
    public record SameItem(String outletId, String lumaId, boolean sameBytes) {}

    /** What the build stored and how long each step took, in milliseconds. */
    public record Timing(int photos, int distinctImages, long readMillis, long storeMillis, long embedMillis) {
        public long totalMillis() {
            return readMillis + storeMillis + embedMillis;
        }
    }

    private final Path file;
    private final List<Item> items;
    private final List<SameItem> sameItems;
    private final Timing timing;

    private LumaCatalogue(Path file, List<Item> items, List<SameItem> sameItems, Timing timing) {
        this.file = file;
        this.items = List.copyOf(items);
        this.sameItems = List.copyOf(sameItems);
        this.timing = timing;
    }

    /** The Luma folder: {@code -Dlookalike.shared=DIR}, else {@code ../shared} next to the project. */
    public static Path home() {
        String override = System.getProperty("lookalike.shared");
        Path shared = override != null && !override.isBlank()
                ? Path.of(override)
                : Path.of("").toAbsolutePath().getParent().resolve("shared");
        return shared.resolve("photos/magento-luma");
    }

    private static Path productsCsv() {
        return home().resolve("fixtures/ConfigurableSampleData/fixtures/products.csv");
    }

    /** Skips the calling test (saying why) when the Luma photos, labels or fixtures are not there. */
    public static void assumeAvailable() {
        Path home = home();
        assumeTrue(Files.isRegularFile(home.resolve("labels.csv")) && Files.isRegularFile(productsCsv())
                        && Files.isDirectory(home.resolve("images")),
                "the Luma photos, labels.csv and fixtures are not at " + home + " (../shared is absent)");
    }

    /**
     * Builds the catalogue into {@code folder/luma.db} and embeds it with {@code model}.
     *
     * @param views which photos of each Luma product go in; {@link Views#MAIN_PER_COLOUR} embeds about two thirds
     *     as many as {@link Views#ALL}
     *
     * @throws IOException when the Luma files cannot be read or the catalogue cannot be written
     * @throws IllegalStateException when the fixtures do not say what this class expects of them
     */
    public static LumaCatalogue build(Path folder, ClipModel model, Views views) throws IOException {
        long t0 = System.nanoTime();
        Path home = home();
        Map<String, Map<String, String>> labels = new HashMap<>();
        for (Map<String, String> row : CsvRows.read(home.resolve("labels.csv"))) {
            labels.put(row.get("file"), row);
        }
        List<Map<String, String>> fixtures = CsvRows.read(productsCsv());
        Map<String, Map<String, String>> bySku = new HashMap<>();
        for (Map<String, String> row : fixtures) {
            bySku.put(row.get("sku"), row);
        }
        List<Item> luma = new ArrayList<>();
        Map<String, String> descriptions = new HashMap<>();
        for (Map<String, String> row : fixtures) {
            if (!"configurable".equals(row.get("product_type"))) {
                continue;
            }
            Item item = lumaItem(row, bySku, home, views);
            luma.add(item);
            descriptions.put(item.id(), text(row.get("description")));
        }
        if (luma.size() < OUTLET_COPIES) {
            throw new IllegalStateException(productsCsv() + " has only " + luma.size() + " configurable products");
        }
        long t1 = System.nanoTime();

        Path file = folder.resolve("luma.db");
        List<Item> items = new ArrayList<>(luma);
        List<SameItem> same = new ArrayList<>();
        Random rnd = new Random(11);
        int photos = 0;
        try (CatalogDb db = CatalogDb.open(file)) {
            CrawlStore extras = new CrawlStore(db);
            for (Item item : luma) {
                photos += store(db, extras, item, descriptions.get(item.id()), home, Map.of());
            }
            List<Item> copied = new ArrayList<>(luma);
            Collections.shuffle(copied, rnd);
            copied = copied.subList(0, OUTLET_COPIES);
            copied.sort(Comparator.comparing(Item::sku));
            for (int i = 0; i < copied.size(); i++) {
                Item original = copied.get(i);
                boolean sameBytes = i % 2 == 0;
                String photo = original.photos().get(0);
                String colour = labels.getOrDefault(photo, Map.of()).getOrDefault("color", "");
                String code = "OX" + (1001 + i);
                String url = "https://" + OUTLET + "/item/" + code.toLowerCase(Locale.ROOT);
                double price = Math.round(original.price() * (0.70 + 0.20 * rnd.nextDouble()) * 100) / 100.0;
                String gender = original.category().startsWith("Women/") ? "Women's" : "Men's";
                Item copy = new Item(Product.idFor(url), OUTLET, code, original.name() + " - " + gender,
                        original.category(), colour.isEmpty() ? Set.of() : Set.of(colour), price, List.of(photo));
                Map<String, byte[]> bytes = sameBytes ? Map.of()
                        : Map.of(photo, reencode(Files.readAllBytes(home.resolve("images").resolve(photo))));
                photos += store(db, extras, copy, descriptions.get(original.id()), home, bytes);
                items.add(copy);
                same.add(new SameItem(copy.id(), original.id(), sameBytes));
            }
            List<Item> own = gear(labels);
            for (int i = 0; i < own.size(); i++) {
                Item g = own.get(i);
                double price = 15 + rnd.nextInt(80);
                String code = "OX" + (2001 + i);
                String url = "https://" + OUTLET + "/item/" + code.toLowerCase(Locale.ROOT);
                Item item = new Item(Product.idFor(url), OUTLET, code, g.name(), g.category(), g.colours(), price,
                        g.photos());
                photos += store(db, extras, item, null, home, Map.of());
                items.add(item);
            }
            int distinct = db.countImages();
            long t2 = System.nanoTime();
            EmbedRun.Summary summary = new EmbedRun(db, model, new ImageDecoder(), 32,
                    Runtime.getRuntime().availableProcessors()).run(ProgressListener.NONE);
            if (summary.failed() > 0 || summary.embedded() != distinct) {
                throw new IllegalStateException("embedding the Luma photos: " + summary);
            }
            long t3 = System.nanoTime();
            return new LumaCatalogue(file, items, same, new Timing(photos, distinct, (t1 - t0) / 1_000_000,
                    (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000));
        }
    }

    /** One configurable product of the fixtures, with its variants' colours and photos. */
    private static Item lumaItem(Map<String, String> row, Map<String, Map<String, String>> bySku, Path home,
                                 Views views) {
        String sku = row.get("sku");
        String name = text(row.get("name"));
        String category = category(row.get("categories"));
        Set<String> colours = new LinkedHashSet<>();
        // the configurable's own photos first (what its page opens on), then each colour's
        Map<String, List<String>> photosByColour = new LinkedHashMap<>();
        List<String> first = imagesOf(row);
        for (String variation : row.get("configurable_variations").split("\\|")) {
            Map<String, String> attrs = new HashMap<>();
            for (String pair : variation.split(",")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    attrs.put(pair.substring(0, eq), pair.substring(eq + 1));
                }
            }
            String colour = attrs.get("color");
            if (colour == null || colour.isBlank()) {
                continue;
            }
            colours.add(colour);
            Map<String, String> child = bySku.get(attrs.get("sku"));
            if (child != null) {
                photosByColour.computeIfAbsent(colour, c -> new ArrayList<>()).addAll(imagesOf(child));
            }
        }
        Set<String> photos = new LinkedHashSet<>(first.isEmpty() ? List.of() : List.of(first.get(0)));
        if (views == Views.ALL) {
            photos.addAll(first);
        }
        for (List<String> ofColour : photosByColour.values()) {
            if (views == Views.ALL) {
                photos.addAll(ofColour);
            } else if (!ofColour.isEmpty()) {
                photos.add(ofColour.get(0));
            }
        }
        photos.removeIf(f -> !Files.isRegularFile(home.resolve("images").resolve(f)));
        if (photos.isEmpty() || colours.isEmpty()) {
            throw new IllegalStateException("configurable " + sku + " in " + productsCsv()
                    + " has no photo on disk or no colour variant");
        }
        String url = "https://" + LUMA + "/" + slug(name) + ".html";
        return new Item(Product.idFor(url), LUMA, sku, name, category, Set.copyOf(colours),
                Double.parseDouble(row.get("price")), List.copyOf(photos));
    }

    /** The base image, then the additional images, of a fixture row (paths relative to {@code images/}). */
    private static List<String> imagesOf(Map<String, String> row) {
        List<String> out = new ArrayList<>();
        String base = row.getOrDefault("base_image", "");
        if (!base.isBlank()) {
            out.add(base.replaceFirst("^/", ""));
        }
        for (String extra : row.getOrDefault("additional_images", "").split(",")) {
            if (!extra.isBlank() && !out.contains(extra.replaceFirst("^/", ""))) {
                out.add(extra.replaceFirst("^/", ""));
            }
        }
        return out;
    }

    /** Luma's gear (not configurable, so not in {@link #LUMA}): the first {@value #OUTLET_ONLY} names by SKU. */
    private static List<Item> gear(Map<String, Map<String, String>> labels) {
        Map<String, List<Map<String, String>>> byName = new TreeMap<>();
        for (Map<String, String> row : labels.values()) {
            if (row.getOrDefault("category", "").startsWith("Gear/")) {
                byName.computeIfAbsent(text(row.get("name")), n -> new ArrayList<>()).add(row);
            }
        }
        List<Item> out = new ArrayList<>();
        for (Map.Entry<String, List<Map<String, String>>> e : byName.entrySet()) {
            List<Map<String, String>> rows = e.getValue();
            rows.sort(Comparator.comparing(r -> r.get("file")));
            Set<String> colours = new LinkedHashSet<>();
            List<String> files = new ArrayList<>();
            for (Map<String, String> r : rows) {
                files.add(r.get("file"));
                if (!r.get("color").isBlank()) {
                    colours.add(r.get("color"));
                }
            }
            String[] path = rows.get(0).get("category").split("/");
            out.add(new Item("", OUTLET, rows.get(0).get("sku"), e.getKey(), path[0] + "/" + path[1],
                    Set.copyOf(colours), 0, List.copyOf(files)));
        }
        out.sort(Comparator.comparing(Item::sku));
        if (out.size() < OUTLET_ONLY) {
            throw new IllegalStateException("labels.csv names only " + out.size() + " gear products");
        }
        return out.subList(0, OUTLET_ONLY);
    }

    /**
     * Writes one product, its SKU and its photos; {@code replaced} gives other bytes for some photo files.
     *
     * @return how many photos it links
     */
    private static int store(CatalogDb db, CrawlStore extras, Item item, String description, Path home,
                             Map<String, byte[]> replaced) throws IOException {
        String url = item.shop().equals(LUMA) ? "https://" + LUMA + "/" + slug(item.name()) + ".html"
                : "https://" + OUTLET + "/item/" + item.sku().toLowerCase(Locale.ROOT);
        Product p = new Product(item.id(), url, item.name(), item.price(), "USD", "Luma", item.shop(), description,
                item.category());
        if (!p.id().equals(Product.idFor(url))) {
            throw new IllegalStateException("product " + item.sku() + " has id " + p.id() + " but its URL says "
                    + Product.idFor(url));
        }
        db.upsertProduct(p);
        extras.setExtras(p.id(), "InStock", item.sku());
        int position = 0;
        for (String photo : item.photos()) {
            byte[] bytes = replaced.containsKey(photo) ? replaced.get(photo)
                    : Files.readAllBytes(home.resolve("images").resolve(photo));
            int[] size = jpegSize(bytes);
            String image = db.putImage(bytes, size[0], size[1], "jpeg", null, null);
            String photoUrl = "https://" + item.shop() + "/media/" + photo;
            db.linkImage(new ProductImage(p.id(), photoUrl, image, null, position++));
        }
        return position;
    }

    /** Width and height from a JPEG's header, without decoding it. */
    private static int[] jpegSize(byte[] bytes) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new IOException("not a JPEG ImageIO can read");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in);
                return new int[] {reader.getWidth(0), reader.getHeight(0)};
            } finally {
                reader.dispose();
            }
        }
    }

    /** The photo as another shop would serve it: 5% smaller, JPEG quality 0.80, so the bytes differ. */
    static byte[] reencode(byte[] jpeg) {
        BufferedImage src;
        try {
            DecodedImage decoded = new ImageDecoder().decode(jpeg);
            src = decoded.image();
        } catch (ImageDecodeException e) {
            throw new IllegalStateException("a Luma photo does not decode: " + e.getMessage(), e);
        }
        int w = Math.round(src.getWidth() * 0.95f);
        int h = Math.round(src.getHeight() * 0.95f);
        BufferedImage small = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = small.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(src, 0, 0, w, h, null);
        g.dispose();
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(0.80f);
            writer.write(null, new IIOImage(small, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    /** Fixture text as a shop shows it: HTML and entities gone ({@code &trade;} is ™), spaces collapsed. */
    static String text(String html) {
        if (html == null || html.isBlank()) {
            return "";
        }
        String plain = html.indexOf('<') >= 0 ? Jsoup.parse(html).text() : Parser.unescapeEntities(html, false);
        return plain.replace('\u00a0', ' ').replaceAll("\\s+", " ").strip();
    }

    /** The first category path without Magento's root: "Men/Tops/Hoodies &amp; Sweatshirts". */
    private static String category(String categories) {
        String first = categories.split(",")[0];
        return first.replaceFirst("^Default Category/", "");
    }

    private static String slug(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
    }

    /** The catalogue file. */
    public Path file() {
        return file;
    }

    /** Every product, Luma's first (fixture order), then the outlet's copies, then the outlet's own. */
    public List<Item> items() {
        return items;
    }

    /** The products of one shop. */
    public List<Item> shop(String shop) {
        return items.stream().filter(i -> i.shop().equals(shop)).toList();
    }

    /** The product with this id; throws when there is none. */
    public Item expectItem(String id) {
        return items.stream().filter(i -> i.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no Luma catalogue product has id " + id));
    }

    /** Each outlet copy with its Luma product. */
    public List<SameItem> sameItems() {
        return sameItems;
    }

    public Timing timing() {
        return timing;
    }
}
