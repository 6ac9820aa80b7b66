/** Browse by style: k-means clusters of the products' vectors, their names from the text tower, and the 2D map. */
package dev.lookalike.explore;
