package dev.lookalike.scrape;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lookalike.catalog.CatalogDb;
import dev.lookalike.catalog.Product;
import dev.lookalike.catalog.ProductImage;
import dev.lookalike.scrape.extract.Prices;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Builds a catalogue without scraping, from a CSV file (header row naming the columns) or JSON lines
 * (one product object per line; a JSON array also works). Columns: {@code url} and {@code name}
 * (required), {@code price}, {@code currency}, {@code brand}, {@code shop}, {@code description},
 * {@code category}, {@code images} (CSV: separated by {@code |}; JSON: an array). An image is an
 * http(s) URL, fetched the way the scraper fetches photos (robots.txt, a delay between requests to one
 * host, retries, a size limit), or a path relative to the imported file. A bad row is reported and skipped; a photo that
 * cannot be read is linked with its error; everything else goes in.
 */
public final class Importer {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final CatalogDb db;
    private final PhotoStore photos;
    private final Fetcher fetcher;
    private final Consumer<String> warn;

    /** What an import did. */
    public record Summary(int products, int images, int imageErrors, int rowsFailed) {}

    /**
     * @param fetcher fetches photo URLs as the scraper does (robots.txt, per-host delay, retries, size
     *     limit); the caller closes it
     */
    public Importer(CatalogDb db, PhotoStore photos, Fetcher fetcher, Consumer<String> warn) {
        this.db = db;
        this.photos = photos;
        this.fetcher = fetcher;
        this.warn = warn;
    }

    /**
     * Imports the file.
     *
     * @throws IOException when the file cannot be read at all
     * @throws IllegalArgumentException when the file is not CSV or JSON lines as described
     */
    public Summary importFile(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "no such file");
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalArgumentException(file + " is not a text file (UTF-8): import takes CSV (with a header row "
                    + "naming url and name) or JSON lines");
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        List<Row> rows = looksLikeJson(file, text) ? jsonRows(text) : csvRows(text);
        Path base = file.toAbsolutePath().getParent().toRealPath();
        int products = 0;
        int images = 0;
        int imageErrors = 0;
        int failed = 0;
        for (Row r : rows) {
            Map<String, Object> row = r.fields();
            String where = file.getFileName() + " line " + r.line();
            if (r.error() != null) {
                warn.accept(where + ": " + r.error() + " (skipped)");
                failed++;
                continue;
            }
            Product p;
            try {
                p = toProduct(row);
            } catch (IllegalArgumentException e) {
                warn.accept(where + ": " + e.getMessage() + " (skipped)");
                failed++;
                continue;
            }
            db.upsertProduct(p);
            products++;
            @SuppressWarnings("unchecked")
            List<String> refs = (List<String>) row.getOrDefault("images", List.of());
            int position = 0;
            for (String ref : refs) {
                String error;
                String imageId = null;
                try {
                    PhotoStore.Stored stored = photos.store(readImage(ref, base));
                    imageId = stored.imageId();
                    error = stored.error();
                } catch (IOException e) {
                    error = e.getMessage();
                }
                if (error != null) {
                    imageErrors++;
                    warn.accept(where + ": image " + ref + ": " + error);
                } else {
                    images++;
                }
                db.linkImage(new ProductImage(p.id(), ref, imageId, error, position++));
            }
        }
        return new Summary(products, images, imageErrors, failed);
    }

    private static boolean looksLikeJson(Path file, String text) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".csv")) {
            return false;
        }
        return name.endsWith(".json") || name.endsWith(".jsonl") || name.endsWith(".ndjson")
                || text.stripLeading().startsWith("{") || text.stripLeading().startsWith("[");
    }

    /** One record of the file: its fields, or why it could not be read; {@code line} is where it starts. */
    private record Row(int line, Map<String, Object> fields, String error) {}

    private static List<Row> csvRows(String text) {
        List<Csv.Record> records = Csv.parse(text);
        if (records.isEmpty()) {
            return List.of();
        }
        if (records.get(0).fields() == null) {
            throw new IllegalArgumentException("the CSV header (line 1) " + records.get(0).error());
        }
        List<String> header = records.get(0).fields().stream().map(h -> h.strip().toLowerCase(Locale.ROOT)).toList();
        if (!header.contains("url") || !header.contains("name")) {
            throw new IllegalArgumentException("CSV header must name at least the columns url and name, found " + header);
        }
        List<Row> rows = new ArrayList<>();
        for (Csv.Record record : records.subList(1, records.size())) {
            if (record.fields() == null) {
                rows.add(new Row(record.line(), null, record.error()));
                continue;
            }
            List<String> rec = record.fields();
            Map<String, Object> row = new HashMap<>();
            for (int c = 0; c < header.size() && c < rec.size(); c++) {
                String v = rec.get(c).strip();
                if (header.get(c).equals("images")) {
                    List<String> refs = new ArrayList<>();
                    for (String part : v.split("\\|")) {
                        if (!part.isBlank()) {
                            refs.add(part.strip());
                        }
                    }
                    row.put("images", refs);
                } else if (!v.isEmpty()) {
                    row.put(header.get(c), v);
                }
            }
            rows.add(new Row(record.line(), row, null));
        }
        return rows;
    }

    private static List<Row> jsonRows(String text) {
        List<Row> rows = new ArrayList<>();
        String trimmed = text.strip();
        if (trimmed.startsWith("[")) {
            JsonNode all;
            try {
                all = JSON.readTree(trimmed);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalArgumentException("the JSON array is not valid JSON at line "
                        + e.getLocation().getLineNr() + ": " + e.getOriginalMessage());
            }
            int i = 0;
            for (JsonNode n : all) {
                rows.add(jsonRow(++i, n));
            }
            return rows;
        }
        int line = 0;
        for (String l : text.split("\n")) {
            line++;
            if (l.isBlank()) {
                continue;
            }
            try {
                rows.add(jsonRow(line, JSON.readTree(l)));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                rows.add(new Row(line, null, "not JSON: " + e.getOriginalMessage()));
            }
        }
        return rows;
    }

    private static Row jsonRow(int line, JsonNode n) {
        if (!n.isObject()) {
            return new Row(line, null, "not a JSON object");
        }
        Map<String, Object> row = new LinkedHashMap<>();
        n.fields().forEachRemaining(e -> {
            String key = e.getKey().toLowerCase(Locale.ROOT);
            JsonNode v = e.getValue();
            if (key.equals("images")) {
                List<String> refs = new ArrayList<>();
                if (v.isArray()) {
                    v.forEach(x -> refs.add(x.asText()));
                } else if (v.isTextual()) {
                    refs.add(v.asText());
                }
                row.put("images", refs);
            } else if (!v.isNull()) {
                row.put(key, v.isNumber() ? v.numberValue() : v.asText());
            }
        });
        return new Row(line, row, null);
    }

    static Product toProduct(Map<String, Object> row) {
        String url = str(row, "url");
        String name = str(row, "name");
        if (url == null) {
            throw new IllegalArgumentException("no url");
        }
        if (name == null) {
            throw new IllegalArgumentException("no name");
        }
        Double price = null;
        String priceCurrency = null;
        Object raw = row.get("price");
        if (raw instanceof Number n) {
            price = n.doubleValue();
        } else if (raw != null) {
            // read as the scraper reads shop prices: "1,299.50", "1.234,56 €", "$1,299", "CHF 1'299.–"
            Prices.Money money = Prices.parse(raw.toString()).orElseThrow(
                    () -> new IllegalArgumentException("price " + raw + " is not a price"));
            price = Prices.structured(raw.toString());
            priceCurrency = money.currency();
        }
        if (price != null && (price.isNaN() || price.isInfinite() || price < 0)) {
            throw new IllegalArgumentException("price " + raw + " is not a price");
        }
        String currency = priceCurrency;
        String given = str(row, "currency");
        if (given != null) {
            currency = Prices.currency(given);
            if (currency == null) {
                throw new IllegalArgumentException("currency " + given + " is not an ISO 4217 code");
            }
        }
        return Product.of(url, name, price, currency, str(row, "brand"), str(row, "shop"), str(row, "description"),
                str(row, "category"));
    }

    private static String str(Map<String, Object> row, String key) {
        Object v = row.get(key);
        if (v == null) {
            return null;
        }
        String s = v.toString().strip();
        return s.isEmpty() ? null : s;
    }

    private byte[] readImage(String ref, Path base) throws IOException {
        String lower = ref.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            return fetch(ref);
        }
        Path path;
        try {
            path = (lower.startsWith("file:") ? Path.of(URI.create(ref)) : base.resolve(ref)).normalize();
        } catch (IllegalArgumentException e) {
            throw new IOException("not a file path or http(s) URL");
        }
        // a path from the data may only name a file in the imported file's folder (or below), never /etc/passwd
        if (!path.startsWith(base)) {
            throw new IOException("refused: outside " + base + ", the folder of the imported file");
        }
        if (!Files.isRegularFile(path)) {
            throw new IOException("no such file: " + path);
        }
        if (!path.toRealPath().startsWith(base)) {
            throw new IOException("refused: a link to outside " + base + ", the folder of the imported file");
        }
        int limit = fetcher.options().maxImageBytes(); // the same limit as for fetched photos
        if (Files.size(path) > limit) {
            throw new IOException("file larger than " + (limit >> 20) + " MiB");
        }
        return Files.readAllBytes(path);
    }

    private byte[] fetch(String url) throws IOException {
        try {
            return fetcher.fetch(url, Fetcher.Expect.IMAGE).body();
        } catch (FetchException e) {
            throw new IOException(e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IOException("bad URL " + url, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
