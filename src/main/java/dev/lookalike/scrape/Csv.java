package dev.lookalike.scrape;

import java.util.ArrayList;
import java.util.List;

/** RFC 4180 CSV: commas, double-quoted fields with "" for a quote, line breaks inside quotes. */
final class Csv {
    private Csv() {}

    /**
     * One record: its fields, or the reason it could not be read ({@code fields} null), and the line it starts on
     * (1-based).
     */
    record Record(int line, List<String> fields, String error) {}

    /**
     * Every record of the text. A quote that is never closed would swallow the rest of the file: the record it
     * opens on is reported with an error instead, and reading goes on from the next line.
     */
    static List<Record> parse(String text) {
        List<Record> out = new ArrayList<>();
        int from = 0;
        int line = 1;
        while (from < text.length()) {
            int[] resume = parseFrom(text, from, line, out);
            if (resume == null) {
                break;
            }
            from = resume[0];
            line = resume[1];
        }
        return out;
    }

    /** Parses from {@code from}; null when the text ends cleanly, else where to go on after a broken record. */
    private static int[] parseFrom(String text, int from, int firstLine, List<Record> out) {
        List<String> row = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        int line = firstLine;
        int recordLine = firstLine;
        int recordStart = from;
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    if (c == '\n') {
                        line++;
                    }
                    field.append(c);
                }
                continue;
            }
            switch (c) {
                case '"' -> {
                    quoted = true;
                    any = true;
                }
                case ',' -> {
                    row.add(field.toString());
                    field.setLength(0);
                    any = true;
                }
                case '\r' -> { }
                case '\n' -> {
                    if (any || field.length() > 0) {
                        row.add(field.toString());
                        out.add(new Record(recordLine, row, null));
                    }
                    row = new ArrayList<>();
                    field.setLength(0);
                    any = false;
                    line++;
                    recordLine = line;
                    recordStart = i + 1;
                }
                default -> {
                    field.append(c);
                    any = true;
                }
            }
        }
        if (quoted) {
            out.add(new Record(recordLine, null, "a quoted field opened on this line is never closed"));
            int next = text.indexOf('\n', recordStart);
            return next < 0 ? null : new int[] {next + 1, recordLine + 1};
        }
        if (any || field.length() > 0) {
            row.add(field.toString());
            out.add(new Record(recordLine, row, null));
        }
        return null;
    }
}
