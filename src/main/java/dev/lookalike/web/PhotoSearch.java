package dev.lookalike.web;

import dev.lookalike.catalog.ImageInfo;
import dev.lookalike.search.Crop;
import dev.lookalike.search.NotAnImageException;
import dev.lookalike.search.SearchException;
import dev.lookalike.search.SearchService;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.resteasy.reactive.multipart.FileUpload;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Photos shoppers search by: uploaded (size-limited) or fetched from a URL. Recent ones are kept under a
 * short key, bytes and all, so the gallery can redirect an upload to a shareable {@code /?photo=KEY} page,
 * page through it, show the photo above its results and search by a crop of it
 * ({@code /?photo=KEY&crop=x,y,w,h}); a pasted URL is fetched once, not once per page.
 */
@Singleton
public class PhotoSearch {

    /** The longest side of the copy of a search photo the results page shows. */
    static final int PREVIEW_SIDE = 640;

    private final Serving serving;
    private final PhotoFetcher fetcher;
    private final long maxBytes;
    private final int capacity;
    private final long byteBudget;
    private final Map<String, Remembered> recent = new LinkedHashMap<>(16, 0.75f, true);
    private final Map<String, float[]> crops = new LinkedHashMap<>(16, 0.75f, true);
    private long bytesHeld;

    /** A remembered photo: the whole photo's vector, its original bytes and its size in pixels. */
    record Remembered(float[] vector, byte[] bytes, int width, int height) {}

    @Inject
    PhotoSearch(Serving serving, PhotoFetcher fetcher, ServeConfig config) {
        this.serving = serving;
        this.fetcher = fetcher;
        this.maxBytes = config.web().maxPhotoSize().asLongValue();
        this.capacity = config.web().photoCache();
        // originals are at most max-photo-size each; keep no more than 32 of the largest in memory
        this.byteBudget = Math.max(maxBytes * 32, 1L << 20);
    }

    /** A photo's key: the first 16 hex digits of its catalogue id (SHA-256). */
    record Keyed(String key, float[] vector) {}

    /** The largest photo accepted, in bytes. */
    long maxBytes() {
        return maxBytes;
    }

    /**
     * Embeds an uploaded photo and remembers it.
     *
     * @throws WebProblem 400 when nothing was uploaded, 413 when too large, 415 when not a photo
     */
    Keyed upload(FileUpload upload) {
        if (upload == null || upload.uploadedFile() == null) {
            throw WebProblem.badRequest("send the photo as the multipart form field \"image\"");
        }
        if (upload.size() > maxBytes) {
            throw WebProblem.tooLarge(maxBytes);
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(upload.uploadedFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (bytes.length == 0) {
            throw WebProblem.badRequest("the uploaded photo is empty");
        }
        return embed(ImageInfo.idOf(bytes).substring(0, 16), bytes);
    }

    /** The key a photo fetched from a URL is remembered under. */
    static String urlKey(String url) {
        return "url:" + url;
    }

    /** Fetches (once while remembered) and embeds the photo at a URL; see {@link PhotoFetcher#fetch}. */
    float[] url(String url) {
        String key = urlKey(url);
        float[] v = remembered(key);
        if (v != null) {
            return v;
        }
        serving.ready(); // no point fetching while the model loads
        return embed(key, fetcher.fetch(url)).vector();
    }

    /** The vector of a photo uploaded earlier, or null when it is no longer remembered. */
    float[] remembered(String key) {
        Remembered r = photo(key);
        return r == null ? null : r.vector();
    }

    /** A photo searched by earlier, or null when it is no longer remembered. */
    Remembered photo(String key) {
        synchronized (recent) {
            return recent.get(key);
        }
    }

    /**
     * The vector of a crop of a remembered photo (the whole photo's when {@code crop} is null), or null when
     * the photo is no longer remembered.
     *
     * @throws WebProblem 400 when the crop lies outside the photo
     */
    float[] remembered(String key, Crop crop) {
        Remembered r = photo(key);
        if (r == null || crop == null) {
            return r == null ? null : r.vector();
        }
        Crop c;
        try {
            c = crop.within(r.width(), r.height());
        } catch (SearchException e) {
            throw WebProblem.badRequest(e.getMessage());
        }
        String cropKey = key + "#" + c;
        synchronized (crops) {
            float[] v = crops.get(cropKey);
            if (v != null) {
                return v;
            }
        }
        float[] v = serving.ready().service().photoVector(r.bytes(), c);
        synchronized (crops) {
            crops.put(cropKey, v);
            trim(crops);
        }
        return v;
    }

    /** A copy of a remembered photo at most {@link #PREVIEW_SIDE} pixels a side, or null when forgotten. */
    SearchService.Jpeg preview(String key) {
        Remembered r = photo(key);
        return r == null ? null : serving.ready().service().photoJpeg(r.bytes(), null, PREVIEW_SIDE);
    }

    private Keyed embed(String key, byte[] bytes) {
        SearchService.PhotoVector embedded;
        try {
            embedded = serving.ready().service().embedPhoto(bytes, null);
        } catch (NotAnImageException e) {
            throw WebProblem.notAnImage(e.getMessage());
        }
        float[] v = embedded.vector();
        synchronized (recent) {
            Remembered old = recent.put(key, new Remembered(v, bytes, embedded.width(), embedded.height()));
            bytesHeld += bytes.length - (old == null ? 0 : old.bytes().length);
            Iterator<Remembered> eldest = recent.values().iterator();
            while ((recent.size() > capacity || bytesHeld > byteBudget) && recent.size() > 1) {
                bytesHeld -= eldest.next().bytes().length;
                eldest.remove();
            }
        }
        return new Keyed(key, v);
    }

    private void trim(Map<String, float[]> map) {
        Iterator<float[]> eldest = map.values().iterator();
        while (map.size() > capacity) {
            eldest.next();
            eldest.remove();
        }
    }
}
