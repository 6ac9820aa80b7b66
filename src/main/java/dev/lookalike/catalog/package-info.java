/** The SQLite catalogue: products, images, vectors; numbered migrations. The only package with SQL. */
package dev.lookalike.catalog;
