package dev.lookalike.web;

import dev.lookalike.catalog.CatalogDb;
import dev.lookalike.catalog.ImageInfo;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestHeader;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Product photos from the catalogue, never hot-linked from the shop. An image id is the SHA-256 of its
 * bytes, so a URL's content never changes: it is the ETag, and browsers may keep it for a year.
 */
@Path("/images")
@Tag(name = "images")
public class ImageResource {

    static final String CACHE = "public, max-age=31536000, immutable";

    private final Serving serving;

    @Inject
    ImageResource(Serving serving) {
        this.serving = serving;
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "A photo as the shop published it")
    public Response full(@RestPath String id, @RestHeader("If-None-Match") String ifNoneMatch) {
        return serve(id, false, ifNoneMatch);
    }

    @GET
    @Path("/{id}/thumbnail")
    @Operation(summary = "The photo as a JPEG at most 320 pixels (or w pixels) on its longest side")
    public Response thumbnail(@RestPath String id,
                              @Parameter(description = "Longest side in pixels: 160, 320 (default), 480, 640, 960 or "
                                      + "1280; never larger than the original") @RestQuery String w,
                              @RestHeader("If-None-Match") String ifNoneMatch) {
        int width = Params.count("w", w, THUMBNAIL_WIDTH, 1, Integer.MAX_VALUE);
        if (!WIDTHS.contains(width)) {
            throw WebProblem.badRequest("w must be one of " + WIDTHS + ", got " + width);
        }
        return serve(id, true, width, ifNoneMatch);
    }

    /** The widths a thumbnail may be asked for: few, so that every one can be cached. */
    static final List<Integer> WIDTHS = List.of(160, 320, 480, 640, 960, 1280);

    /** The width of the thumbnails stored in the catalogue. */
    static final int THUMBNAIL_WIDTH = 320;

    /** Renditions made from originals lately, by id and width; each at most a few hundred KiB. */
    private final Map<String, byte[]> renditions = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, byte[]> eldest) {
            return size() > 256;
        }
    };

    private Response serve(String id, boolean thumbnail, String ifNoneMatch) {
        return serve(id, thumbnail, THUMBNAIL_WIDTH, ifNoneMatch);
    }

    private Response serve(String id, boolean thumbnail, int width, String ifNoneMatch) {
        if (id == null || !id.matches("[0-9a-f]{64}")) {
            throw new WebProblem(404, "no image " + id + ": image ids are 64 lowercase hex digits");
        }
        String etag = "\"" + id + (thumbnail ? "-t" : "") + (thumbnail && width != THUMBNAIL_WIDTH ? width : "")
                + "\"";
        if (matches(ifNoneMatch, etag)) {
            return Response.notModified().header("ETag", etag).header("Cache-Control", CACHE).build();
        }
        CatalogDb db = serving.ready().catalogue();
        ImageInfo info = db.image(id).orElseThrow(() -> new WebProblem(404, "no image " + id + " in the catalogue"));
        if (info.error() != null || info.format() == null) {
            throw new WebProblem(404, "image " + id + " cannot be shown: " + info.error());
        }
        Optional<byte[]> thumb = !thumbnail ? Optional.empty()
                : width == THUMBNAIL_WIDTH ? db.thumbnail(id) : rendition(db, id, width);
        byte[] bytes;
        String type;
        if (thumb.isPresent()) {
            bytes = thumb.get();
            type = "image/jpeg";
        } else {
            // no thumbnail stored: the original is the best there is
            bytes = db.imageBytes(id).orElseThrow(() -> new WebProblem(404, "no bytes for image " + id));
            type = mediaType(info.format());
        }
        return Response.ok(bytes, type).header("ETag", etag).header("Cache-Control", CACHE).build();
    }

    /** The original made into a JPEG of {@code width} pixels on its longest side (never upscaled). */
    private Optional<byte[]> rendition(CatalogDb db, String id, int width) {
        String key = id + "/" + width;
        synchronized (renditions) {
            byte[] done = renditions.get(key);
            if (done != null) {
                return Optional.of(done);
            }
        }
        Optional<byte[]> original = db.imageBytes(id);
        if (original.isEmpty()) {
            return Optional.empty();
        }
        byte[] jpeg = serving.ready().service().photoJpeg(original.get(), null, width).bytes();
        synchronized (renditions) {
            renditions.put(key, jpeg);
        }
        return Optional.of(jpeg);
    }

    static String mediaType(String format) {
        return switch (format.toLowerCase(Locale.ROOT)) {
            case "jpeg", "jpg" -> "image/jpeg";
            case "png" -> "image/png";
            case "webp" -> "image/webp";
            case "gif" -> "image/gif";
            case "bmp" -> "image/bmp";
            case "tiff", "tif" -> "image/tiff";
            default -> "application/octet-stream";
        };
    }

    /** True when an If-None-Match header names this ETag (weakly or strongly) or is {@code *}. */
    static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String tag : ifNoneMatch.split(",")) {
            String t = tag.strip();
            if (t.startsWith("W/")) {
                t = t.substring(2);
            }
            if (t.equals("*") || t.equals(etag)) {
                return true;
            }
        }
        return false;
    }
}
