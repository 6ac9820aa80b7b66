package dev.lookalike.web;

/**
 * Query parameters arrive as text and are parsed here, so a bad one gets a 400 saying which and why
 * (JAX-RS would answer 404 for a query parameter that does not convert).
 */
final class Params {

    private Params() {}

    /** Null for a missing or blank value, else the value stripped. */
    static String text(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    static int count(String name, String value, int missing, int min, int max) {
        String v = text(value);
        if (v == null) {
            return missing;
        }
        try {
            int n = Integer.parseInt(v);
            if (n < min || n > max) {
                throw WebProblem.badRequest(name + " must be between " + min + " and " + max + ", got " + v);
            }
            return n;
        } catch (NumberFormatException e) {
            throw WebProblem.badRequest(name + " must be a whole number, got \"" + v + "\"");
        }
    }

    static Double price(String name, String value) {
        String v = text(value);
        if (v == null) {
            return null;
        }
        try {
            double d = Double.parseDouble(v);
            if (!Double.isFinite(d) || d < 0) {
                throw WebProblem.badRequest(name + " must be a number ≥ 0, got " + v);
            }
            return d;
        } catch (NumberFormatException e) {
            throw WebProblem.badRequest(name + " must be a number, got \"" + v + "\"");
        }
    }

    static boolean flag(String name, String value) {
        String v = text(value);
        if (v == null || v.equalsIgnoreCase("false") || v.equals("0") || v.equalsIgnoreCase("off")) {
            return false;
        }
        if (v.equalsIgnoreCase("true") || v.equals("1") || v.equalsIgnoreCase("on")) {
            return true;
        }
        throw WebProblem.badRequest(name + " must be true or false, got \"" + v + "\"");
    }

    /** A product id as the catalogue makes them: 16 hex digits (anything else cannot exist). */
    static String productId(String name, String value) {
        String v = text(value);
        if (v == null) {
            return null;
        }
        if (!v.matches("[0-9a-fA-F]{1,64}")) {
            throw WebProblem.badRequest(name + " must be a product id (hex digits), got \"" + v + "\"");
        }
        return v.toLowerCase(java.util.Locale.ROOT);
    }
}
