package dev.lookalike.web;

import dev.lookalike.catalog.ImageInfo;
import dev.lookalike.search.NotAnImageException;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.resteasy.reactive.multipart.FileUpload;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Vectors of photos shoppers search by: uploaded (size-limited) or fetched from a URL. Recent ones are
 * kept under a short key, so the gallery can redirect an upload to a shareable {@code /?photo=KEY}
 * page and page through it, and a pasted URL is fetched once, not once per page.
 */
@Singleton
public class PhotoSearch {

    private final Serving serving;
    private final PhotoFetcher fetcher;
    private final long maxBytes;
    private final Map<String, float[]> recent;

    @Inject
    PhotoSearch(Serving serving, PhotoFetcher fetcher, ServeConfig config) {
        this.serving = serving;
        this.fetcher = fetcher;
        this.maxBytes = config.web().maxPhotoSize().asLongValue();
        int capacity = config.web().photoCache();
        this.recent = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, float[]> eldest) {
                return size() > capacity;
            }
        };
    }

    /** A photo's key: the first 16 hex digits of its catalogue id (SHA-256). */
    record Keyed(String key, float[] vector) {}

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

    /** Fetches (once while remembered) and embeds the photo at a URL; see {@link PhotoFetcher#fetch}. */
    float[] url(String url) {
        String key = "url:" + url;
        float[] v = remembered(key);
        if (v != null) {
            return v;
        }
        serving.ready(); // no point fetching while the model loads
        return embed(key, fetcher.fetch(url)).vector();
    }

    /** The vector of a photo uploaded earlier, or null when it is no longer remembered. */
    float[] remembered(String key) {
        synchronized (recent) {
            return recent.get(key);
        }
    }

    private Keyed embed(String key, byte[] bytes) {
        float[] v;
        try {
            v = serving.ready().service().photoVector(bytes);
        } catch (NotAnImageException e) {
            throw WebProblem.notAnImage(e.getMessage());
        }
        synchronized (recent) {
            recent.put(key, v);
        }
        return new Keyed(key, v);
    }
}
