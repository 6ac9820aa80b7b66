-- Words: an FTS5 index over the products' text, ranked by BM25 (catalog/ProductWords.java).
-- It is an external-content index: it holds no copy of the text and reads it, when it needs it
-- ('rebuild', highlight()), from the view below, by the products' rowid. It holds live products
-- only (removed_at NULL), so that a search need not look every match up in products to drop it.
-- unicode61 folds case and diacritics (Café = cafe) and splits at every other character, so ™ ® ©
-- vanish and T-Shirt is the two words "t" "shirt"; porter stems English (hoodies = hoodie).
-- The view adds, for name, brand, category and sku, the field with its hyphens taken out when it
-- has any (NULL otherwise), so that "tshirt" finds T-Shirt and "rosegold" finds rose-gold. Hyphens
-- are - and U+2010, U+2011 (not dashes, which join ranges like 2–4). Descriptions get no joined
-- form: they are long, and BM25 counts every token of a product against it.
-- The triggers keep the index in step with products and must write exactly the values the view
-- reads (FTS5 'delete' is told the old values): the four *_joined expressions below are one
-- expression, written out for each field and for new/old.
-- ProductWords.rebuild() drops the view, the index and the triggers and runs this file again.
CREATE VIEW product_words_content AS
SELECT rowid AS product_rowid, name, brand, category, description, sku,
    nullif(replace(replace(replace(name, '-', ''), char(8208), ''), char(8209), ''), name) AS name_joined,
    nullif(replace(replace(replace(brand, '-', ''), char(8208), ''), char(8209), ''), brand) AS brand_joined,
    nullif(replace(replace(replace(category, '-', ''), char(8208), ''), char(8209), ''), category) AS category_joined,
    nullif(replace(replace(replace(sku, '-', ''), char(8208), ''), char(8209), ''), sku) AS sku_joined
FROM products WHERE removed_at IS NULL;

CREATE VIRTUAL TABLE product_words USING fts5(
    name, brand, category, description, sku, name_joined, brand_joined, category_joined, sku_joined,
    content='product_words_content', content_rowid='product_rowid',
    tokenize='porter unicode61 remove_diacritics 2');

CREATE TRIGGER product_words_insert AFTER INSERT ON products WHEN new.removed_at IS NULL BEGIN
    INSERT INTO product_words(rowid, name, brand, category, description, sku,
        name_joined, brand_joined, category_joined, sku_joined)
    VALUES (new.rowid, new.name, new.brand, new.category, new.description, new.sku,
        nullif(replace(replace(replace(new.name, '-', ''), char(8208), ''), char(8209), ''), new.name),
        nullif(replace(replace(replace(new.brand, '-', ''), char(8208), ''), char(8209), ''), new.brand),
        nullif(replace(replace(replace(new.category, '-', ''), char(8208), ''), char(8209), ''), new.category),
        nullif(replace(replace(replace(new.sku, '-', ''), char(8208), ''), char(8209), ''), new.sku));
END;

CREATE TRIGGER product_words_delete AFTER DELETE ON products WHEN old.removed_at IS NULL BEGIN
    INSERT INTO product_words(product_words, rowid, name, brand, category, description, sku,
        name_joined, brand_joined, category_joined, sku_joined)
    VALUES ('delete', old.rowid, old.name, old.brand, old.category, old.description, old.sku,
        nullif(replace(replace(replace(old.name, '-', ''), char(8208), ''), char(8209), ''), old.name),
        nullif(replace(replace(replace(old.brand, '-', ''), char(8208), ''), char(8209), ''), old.brand),
        nullif(replace(replace(replace(old.category, '-', ''), char(8208), ''), char(8209), ''), old.category),
        nullif(replace(replace(replace(old.sku, '-', ''), char(8208), ''), char(8209), ''), old.sku));
END;

-- Re-scrapes rewrite every product (last_seen): only a change to the indexed text, to the rowid or
-- to whether the product is removed reindexes it.
CREATE TRIGGER product_words_update AFTER UPDATE ON products
WHEN (old.removed_at IS NULL OR new.removed_at IS NULL)
    AND (old.rowid IS NOT new.rowid OR (old.removed_at IS NULL) IS NOT (new.removed_at IS NULL)
        OR old.name IS NOT new.name OR old.brand IS NOT new.brand OR old.category IS NOT new.category
        OR old.description IS NOT new.description OR old.sku IS NOT new.sku)
BEGIN
    INSERT INTO product_words(product_words, rowid, name, brand, category, description, sku,
        name_joined, brand_joined, category_joined, sku_joined)
    SELECT 'delete', old.rowid, old.name, old.brand, old.category, old.description, old.sku,
        nullif(replace(replace(replace(old.name, '-', ''), char(8208), ''), char(8209), ''), old.name),
        nullif(replace(replace(replace(old.brand, '-', ''), char(8208), ''), char(8209), ''), old.brand),
        nullif(replace(replace(replace(old.category, '-', ''), char(8208), ''), char(8209), ''), old.category),
        nullif(replace(replace(replace(old.sku, '-', ''), char(8208), ''), char(8209), ''), old.sku)
    WHERE old.removed_at IS NULL;
    INSERT INTO product_words(rowid, name, brand, category, description, sku,
        name_joined, brand_joined, category_joined, sku_joined)
    SELECT new.rowid, new.name, new.brand, new.category, new.description, new.sku,
        nullif(replace(replace(replace(new.name, '-', ''), char(8208), ''), char(8209), ''), new.name),
        nullif(replace(replace(replace(new.brand, '-', ''), char(8208), ''), char(8209), ''), new.brand),
        nullif(replace(replace(replace(new.category, '-', ''), char(8208), ''), char(8209), ''), new.category),
        nullif(replace(replace(replace(new.sku, '-', ''), char(8208), ''), char(8209), ''), new.sku)
    WHERE new.removed_at IS NULL;
END;

INSERT INTO product_words(product_words) VALUES ('rebuild');
