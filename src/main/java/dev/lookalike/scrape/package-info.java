/** Filling the catalogue: importing product files, crawling shops (with recipes from scraper/), storing their photos once. */
package dev.lookalike.scrape;
