package dev.lookalike.embed.hub;

/**
 * A failure a person can act on: the message is one line naming the repo and the file, and says
 * what to do (set HF_TOKEN, accept the licence, check the name, go online or set HF_HUB_OFFLINE).
 */
public final class HubException extends Exception {

    HubException(String message) {
        super(oneLine(message));
    }

    HubException(String message, Throwable cause) {
        super(oneLine(message), cause);
    }

    private static String oneLine(String s) {
        return s.replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }
}
