-- Products, photos and the link between them. Names here are a public contract.
CREATE TABLE products (
    id          TEXT PRIMARY KEY,            -- stable: derived from the canonical URL
    url         TEXT UNIQUE NOT NULL,
    name        TEXT NOT NULL,
    price       REAL,
    currency    TEXT,                        -- ISO 4217 or NULL when unknown
    brand       TEXT,
    shop        TEXT,
    description TEXT,
    category    TEXT,
    availability TEXT,
    sku         TEXT,
    first_seen  INTEGER,                     -- unix seconds
    last_seen   INTEGER,
    removed_at  INTEGER                      -- set when a re-scrape no longer finds it
);
CREATE INDEX idx_products_shop ON products(shop);
CREATE INDEX idx_products_price ON products(price);

CREATE TABLE images (
    id         TEXT PRIMARY KEY,             -- lowercase hex SHA-256 of the bytes
    width      INTEGER,                      -- after EXIF orientation
    height     INTEGER,
    format     TEXT,
    size       INTEGER,                      -- bytes
    error      TEXT,                         -- set when the bytes do not decode
    added      INTEGER
);

-- The bytes live apart from the metadata so scans of images stay small.
CREATE TABLE image_data (
    image_id   TEXT PRIMARY KEY REFERENCES images(id) ON DELETE CASCADE,
    original   BLOB NOT NULL,
    thumbnail  BLOB
);

CREATE TABLE product_images (
    product_id TEXT NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    url        TEXT NOT NULL,
    image_id   TEXT REFERENCES images(id),
    error      TEXT,
    position   INTEGER NOT NULL DEFAULT 0,
    UNIQUE (product_id, url)
);
CREATE INDEX idx_product_images_image ON product_images(image_id);

CREATE TABLE price_history (
    product_id TEXT NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    price      REAL,
    currency   TEXT,
    seen       INTEGER NOT NULL
);
CREATE INDEX idx_price_history_product ON price_history(product_id, seen);
