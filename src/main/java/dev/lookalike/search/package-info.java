/** The in-memory vector index, queries, filters and ranking of products. */
package dev.lookalike.search;
