/**
 * Publishing the catalogue to an Apache Solr (SolrCloud) collection: the HTTP/JSON client, the configset and
 * schema, the documents, and the incremental push. No SolrJ: plain {@code java.net.http} and Jackson.
 */
package dev.lookalike.solr;
