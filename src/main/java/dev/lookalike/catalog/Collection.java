package dev.lookalike.catalog;

/** One embedding collection: the vectors of one model, named after the model package. */
public record Collection(int id, String name, String model) {}
