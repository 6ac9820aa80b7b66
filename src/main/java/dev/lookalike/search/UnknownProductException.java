package dev.lookalike.search;

/** No product in the catalogue has the id asked for. */
public class UnknownProductException extends RuntimeException {
    public UnknownProductException(String id) {
        super("no product with id " + id + " in the catalogue");
    }
}
