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
        return new WebProblem(413, "the photo is larger than " + (max >= 1 << 20 ? (max >> 20) + " MiB" : (max >> 10) + " KiB")
                + ": send a smaller one");
    }

    static WebProblem notAnImage(String why) {
        return new WebProblem(415, "not a photo Lookalike can read (" + why + "): send a JPEG, PNG, WebP, GIF or BMP");
    }
}
