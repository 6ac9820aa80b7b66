package dev.lookalike.search;

/**
 * One shop's offer of an item: the product of that shop that sells it, and its price (null when the shop
 * does not say).
 */
public record Offer(String productId, String shop, Double price, String currency, String url) {}
