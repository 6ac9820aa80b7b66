-- Vectors in the exact schema of Simon Willison's LLM tool (llm/embeddings_migrations.py after m005),
-- so `llm similar` and datasette-llm-embed read a Lookalike catalogue as they read their own.
CREATE TABLE IF NOT EXISTS [collections] (
    [id] INTEGER PRIMARY KEY,
    [name] TEXT,
    [model] TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS [idx_collections_name] ON [collections] ([name]);
CREATE TABLE IF NOT EXISTS [embeddings] (
    [collection_id] INTEGER REFERENCES [collections]([id]),
    [id] TEXT,
    [embedding] BLOB,
    [content] TEXT,
    [content_blob] BLOB,
    [content_hash] BLOB,
    [metadata] TEXT,
    [updated] INTEGER,
    PRIMARY KEY ([collection_id], [id])
);
CREATE INDEX IF NOT EXISTS [idx_embeddings_content_hash] ON [embeddings] ([content_hash]);
-- LLM applies its own migrations through sqlite-migrate's table; mark them applied so that LLM
-- opening this file does not try to create the tables again.
CREATE TABLE IF NOT EXISTS [_sqlite_migrations] (
    [migration_set] TEXT,
    [name] TEXT PRIMARY KEY,
    [applied_at] TEXT
);
INSERT OR IGNORE INTO [_sqlite_migrations] (migration_set, name, applied_at) VALUES
    ('llm.embeddings', 'm001_create_tables', datetime('now')),
    ('llm.embeddings', 'm002_foreign_key', datetime('now')),
    ('llm.embeddings', 'm003_add_updated', datetime('now')),
    ('llm.embeddings', 'm004_store_content_hash', datetime('now')),
    ('llm.embeddings', 'm005_add_content_blob', datetime('now'));
