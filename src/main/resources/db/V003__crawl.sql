-- The crawler's memory: each scrape run and its frontier live here, so a killed scrape resumes
-- where it stopped and a re-scrape can tell which products disappeared.
CREATE TABLE crawl_runs (
    id          INTEGER PRIMARY KEY,
    shop        TEXT NOT NULL,               -- the start host
    start       TEXT NOT NULL,               -- START as given: a URL or a recipe
    started_at  INTEGER NOT NULL,            -- unix seconds
    finished_at INTEGER,                     -- NULL while running or after a kill: the next scrape resumes it
    outcome     TEXT                         -- complete | limited | aborted
);
CREATE INDEX idx_crawl_runs_shop ON crawl_runs(shop, start, finished_at);

CREATE TABLE crawl_pages (
    run_id     INTEGER NOT NULL REFERENCES crawl_runs(id) ON DELETE CASCADE,
    url        TEXT NOT NULL,                -- normalised
    kind       TEXT NOT NULL,                -- page | sitemap
    depth      INTEGER NOT NULL,
    state      TEXT NOT NULL,                -- queued | done | skipped | gone | failed
    status     INTEGER,                      -- the last HTTP status
    error      TEXT,                         -- why it was skipped, gone or failed
    product_id TEXT,                         -- the product recorded from this page
    fetched_at INTEGER,
    PRIMARY KEY (run_id, url)
);
CREATE INDEX idx_crawl_pages_state ON crawl_pages(run_id, state);
CREATE INDEX idx_crawl_pages_url ON crawl_pages(url);

-- A photo URL already stored is not fetched again.
CREATE INDEX idx_product_images_url ON product_images(url);
