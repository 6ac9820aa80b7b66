/** Reading products out of shop pages: schema.org JSON-LD, microdata, RDFa, OpenGraph, prices. No I/O. */
package dev.lookalike.scrape.extract;
