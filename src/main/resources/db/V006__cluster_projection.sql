-- Incremental styles (explore/ClusterUpdate): what a full `lookalike cluster` run used to place products on
-- the map, so that products embedded later join the nearest style and land where the same formula puts
-- them, without a new run. One row per clustered collection, replaced with its clusters.
-- x = scale · ((v − mean) · axis_x), y = scale · ((v − mean) · axis_y): the mean is subtracted before
-- projecting, so the map has no offset beyond it.
CREATE TABLE cluster_projections (
    collection_id INTEGER PRIMARY KEY REFERENCES collections(id),
    mean          BLOB NOT NULL,             -- the mean product vector, little-endian float32
    axis_x        BLOB NOT NULL,             -- the first principal axis, unit vector, little-endian float32
    axis_y        BLOB NOT NULL,             -- the second
    scale         REAL NOT NULL,             -- makes the full run's farthest product land at distance 1
    products      INTEGER NOT NULL,          -- the products the full run clustered
    created       INTEGER NOT NULL           -- unix seconds
);

-- 1 for a product placed by an incremental update (nearest stored centroid), 0 for one the full run placed.
ALTER TABLE product_clusters ADD COLUMN incremental INTEGER NOT NULL DEFAULT 0 CHECK (incremental IN (0, 1));
