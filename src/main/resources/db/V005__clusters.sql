-- Browse by style (explore/): the k-means clusters of one collection's product vectors, each product's
-- cluster, and its place on the 2D map. `lookalike cluster` replaces a collection's rows in one transaction.
CREATE TABLE clusters (
    id            INTEGER PRIMARY KEY,
    collection_id INTEGER NOT NULL REFERENCES collections(id),
    k             INTEGER NOT NULL,          -- how many clusters the run made
    label         TEXT NOT NULL,             -- "gold · curved", from the text tower
    size          INTEGER NOT NULL,          -- products in it
    centroid      BLOB NOT NULL,             -- unit vector, little-endian float32 like embeddings.embedding
    x             REAL NOT NULL,             -- the centroid on the map, where its label goes
    y             REAL NOT NULL,
    seed          INTEGER NOT NULL,
    created       INTEGER NOT NULL           -- unix seconds
);
CREATE INDEX idx_clusters_collection ON clusters(collection_id);

CREATE TABLE product_clusters (
    product_id TEXT NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    cluster_id INTEGER NOT NULL REFERENCES clusters(id) ON DELETE CASCADE,
    distance   REAL NOT NULL,                -- 1 - cosine between the product's vector and the centroid
    x          REAL NOT NULL,                -- the product on the map (PCA, within [-1, 1])
    y          REAL NOT NULL,
    PRIMARY KEY (product_id, cluster_id)
);
CREATE INDEX idx_product_clusters_cluster ON product_clusters(cluster_id, distance);
