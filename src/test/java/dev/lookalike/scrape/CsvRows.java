package dev.lookalike.scrape;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A CSV file with a header row read with the importer's own {@link Csv} reader, for tests of other packages. */
public final class CsvRows {

    private CsvRows() {}

    /**
     * The rows of the file, each as column name to value, in file order.
     *
     * @throws IOException when the file cannot be read
     * @throws IllegalArgumentException when a record is broken or has more fields than the header
     */
    public static List<Map<String, String>> read(Path file) throws IOException {
        List<Csv.Record> records = Csv.parse(Files.readString(file, StandardCharsets.UTF_8));
        if (records.isEmpty()) {
            return List.of();
        }
        List<String> header = records.get(0).fields();
        List<Map<String, String>> rows = new ArrayList<>();
        for (Csv.Record r : records.subList(1, records.size())) {
            if (r.fields() == null || r.fields().size() > header.size()) {
                throw new IllegalArgumentException(file + " line " + r.line() + ": "
                        + (r.error() != null ? r.error() : "more fields than the header names"));
            }
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < header.size(); i++) {
                row.put(header.get(i), i < r.fields().size() ? r.fields().get(i) : "");
            }
            rows.add(row);
        }
        return rows;
    }
}
