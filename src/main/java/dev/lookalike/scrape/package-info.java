/** Filling the catalogue: importing product files and, later, crawling shops; storing their photos once. */
package dev.lookalike.scrape;
