-- A token per table that a server's derived files depend on (search/VectorFile, search/StartFile): every
-- insert, update or delete draws a new random 64-bit token for its table, so a derived file stamped with the
-- tokens it was built under is current while they are unchanged, and reading three numbers tells a starting
-- server so (instead of listing a million vector rows). Random rather than a counter: two copies of one
-- catalogue changed apart never arrive at the same token. Triggers, so writers other than Lookalike (LLM on
-- the embeddings table) move the tokens too.
CREATE TABLE change_tokens (
    name  TEXT PRIMARY KEY,
    token INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO change_tokens(name, token) VALUES ('products', random()), ('product_images', random()),
    ('embeddings', random());
CREATE TRIGGER change_tokens_products_insert AFTER INSERT ON products BEGIN
    UPDATE change_tokens SET token = random() WHERE name = 'products';
END;
CREATE TRIGGER change_tokens_products_update AFTER UPDATE ON products BEGIN
    UPDATE change_tokens SET token = random() WHERE name = 'products';
END;
CREATE TRIGGER change_tokens_products_delete AFTER DELETE ON products BEGIN
    UPDATE change_tokens SET token = random() WHERE name = 'products';
END;
CREATE TRIGGER change_tokens_product_images_insert AFTER INSERT ON product_images BEGIN
    UPDATE change_tokens SET token = random() WHERE name = 'product_images';
END;
CREATE TRIGGER change_tokens_product_images_update AFTER UPDATE ON product_images BEGIN
    UPDATE change_tokens SET token = random() WHERE name = 'product_images';
END;
CREATE TRIGGER change_tokens_product_images_delete AFTER DELETE ON product_images BEGIN
    UPDATE change_tokens SET token = random() WHERE name = 'product_images';
END;
CREATE TRIGGER change_tokens_embeddings_insert AFTER INSERT ON embeddings BEGIN
    UPDATE change_tokens SET token = random() WHERE name = 'embeddings';
END;
CREATE TRIGGER change_tokens_embeddings_update AFTER UPDATE ON embeddings BEGIN
    UPDATE change_tokens SET token = random() WHERE name = 'embeddings';
END;
CREATE TRIGGER change_tokens_embeddings_delete AFTER DELETE ON embeddings BEGIN
    UPDATE change_tokens SET token = random() WHERE name = 'embeddings';
END;
