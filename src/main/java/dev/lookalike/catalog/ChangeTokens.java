package dev.lookalike.catalog;

/**
 * The tokens of {@code V008__change_tokens.sql}: each is redrawn at random by every insert, update or delete
 * of its table, by any writer, so a file derived from the tables is current exactly while the tokens it was
 * stamped with are (read the tokens before the data, and a write in between only makes the file look stale).
 */
public record ChangeTokens(long products, long productImages, long embeddings) {}
