-- What `lookalike solr push` has sent to each SolrCloud collection (solr/SolrPush): one row per document
-- Solr acknowledged, so that the next push sends only documents whose content hash changed and deletes
-- those gone from the catalogue. target = normalised Solr URL + ' ' + collection name; hash = lowercase hex
-- SHA-256 of the document's canonical JSON. A cache of Solr's state, never the source of truth.
CREATE TABLE solr_pushed (
    target TEXT NOT NULL,
    doc_id TEXT NOT NULL,
    hash   TEXT NOT NULL,
    PRIMARY KEY (target, doc_id)
) WITHOUT ROWID;
