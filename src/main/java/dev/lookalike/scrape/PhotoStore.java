package dev.lookalike.scrape;

import dev.lookalike.catalog.CatalogDb;
import dev.lookalike.embed.DecodedImage;
import dev.lookalike.embed.ImageDecodeException;
import dev.lookalike.embed.ImageDecoder;

/**
 * Stores photo bytes in the catalogue once per distinct content: decoded once to check them and to
 * record width, height and a gallery thumbnail; bytes that do not decode are kept with their error.
 */
public final class PhotoStore {

    /** Longest side of the thumbnails the gallery shows in its grid. */
    public static final int THUMBNAIL_SIDE = 320;

    private final CatalogDb db;
    private final ImageDecoder decoder;

    public PhotoStore(CatalogDb db, ImageDecoder decoder) {
        this.db = db;
        this.decoder = decoder;
    }

    /** What storing one photo gave: its id, and the decode error or null. */
    public record Stored(String imageId, String error) {}

    public Stored store(byte[] bytes) {
        String id = dev.lookalike.catalog.ImageInfo.idOf(bytes);
        var known = db.image(id);
        if (known.isPresent()) {
            return new Stored(id, known.get().error());
        }
        try {
            DecodedImage img = decoder.decode(bytes);
            byte[] thumb = ImageDecoder.thumbnailJpeg(img.image(), THUMBNAIL_SIDE);
            db.putImage(bytes, img.width(), img.height(), img.format(), null, thumb);
            return new Stored(id, null);
        } catch (ImageDecodeException e) {
            db.putImage(bytes, null, null, null, e.getMessage(), null);
            return new Stored(id, e.getMessage());
        }
    }
}
