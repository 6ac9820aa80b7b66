package dev.lookalike.web;

/**
 * A request that cannot be answered, with the HTTP status and a message a person can act on. The API
 * answers it as {@code {"error": message, "status": status}}, the gallery as a page saying it.
 */
public class WebProblem extends RuntimeException {

    private final int status;

    public WebProblem(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }

    static WebProblem badRequest(String message) {
        return new WebProblem(400, message);
    }

    static WebProblem tooLarge(long max) {
        return new WebProblem(413, "the photo is larger than " + size(max) + ": send a smaller one");
    }

    /** A size limit as a shopper reads it: "10 MiB", "256 KiB". */
    static String size(long bytes) {
        return bytes >= 1 << 20 ? (bytes >> 20) + " MiB" : (bytes >> 10) + " KiB";
    }

    /** The gallery's names for the query parameters messages mention. */
    private static final java.util.Map<String, String> LABELS = java.util.Map.of(
            "max_price", "Max price", "min_price", "Min price", "max price", "Max price", "min price", "Min price",
            "offset", "The page offset", "like", "The product to match", "cheaper", "Cheaper only",
            "crop", "The crop box", "photo", "The photo number");

    /**
     * A message in a shopper's words: the parameter names the API uses become the form's labels
     * ({@code max_price must be a number ≥ 0} reads "Max price must be a number of 0 or more"), capitalised,
     * ending in a full stop.
     */
    static String forShopper(String message) {
        if (message == null || message.isBlank()) {
            return "Something went wrong.";
        }
        String s = message.strip().replace("≥ 0", "of 0 or more");
        for (var label : LABELS.entrySet()) {
            if (s.startsWith(label.getKey() + " ")) {
                s = label.getValue() + s.substring(label.getKey().length());
                break;
            }
        }
        s = s.replace("max_price", "max price").replace("min_price", "min price");
        s = Character.toUpperCase(s.charAt(0)) + s.substring(1);
        return s.endsWith(".") || s.endsWith("?") || s.endsWith("!") ? s : s + ".";
    }

    static WebProblem notAnImage(String why) {
        return new WebProblem(415, "not a photo Lookalike can read (" + why + "): send a JPEG, PNG, WebP, GIF or BMP");
    }
}
