package dev.lookalike.scrape;

import dev.lookalike.scrape.extract.Urls;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;

/**
 * The crawl's one HTTP client, configured once from {@link CrawlOptions}: user agent, timeouts,
 * size limits. Every request goes through it, and with it through the politeness rules: robots.txt
 * (per host, loaded once), at most {@code concurrency} requests in flight per host, at least
 * {@code delay} (or robots.txt's {@code Crawl-delay}) between their starts, retries with exponential
 * backoff on 429, 5xx and broken connections honouring {@code Retry-After} (never on other 4xx),
 * redirects followed by hand so loops and long chains are caught, and content types checked before a
 * body is read. Thread-safe.
 */
public final class Fetcher implements AutoCloseable {

    /** What the caller wants, which decides the acceptable content types and size limit. */
    public enum Expect { PAGE, SITEMAP, IMAGE, ROBOTS }

    /** A successful response: the URL it finally came from (after redirects), its status, type and body. */
    public record Response(String url, int status, String contentType, byte[] body, HttpHeaders headers) {}

    private static final int ERROR_BODY_BYTES = 64 << 10;

    private final CrawlOptions options;
    private final ExecutorService executor;
    private final HttpClient client;
    private final Robots robots;
    private final ConcurrentHashMap<String, HostGate> gates = new ConcurrentHashMap<>();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();

    public Fetcher(CrawlOptions options) {
        this.options = options;
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "lookalike-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.client = HttpClient.newBuilder()
                .connectTimeout(options.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .executor(executor)
                .build();
        this.robots = new Robots(this, options);
    }

    public CrawlOptions options() {
        return options;
    }

    public Robots robots() {
        return robots;
    }

    /** Requests sent, retries included. */
    public long requests() {
        return requests.get();
    }

    /** Body bytes received (after decompression). */
    public long bytes() {
        return bytes.get();
    }

    public long retries() {
        return retries.get();
    }

    /**
     * Fetches {@code url}, following redirects.
     *
     * @throws FetchException when robots.txt forbids it, the server refuses or fails after retries, the
     *     content type is not what {@code expect} wants, or the body is too large; the message says which
     */
    public Response fetch(String url, Expect expect) throws FetchException, InterruptedException {
        String current = url;
        List<String> chain = new ArrayList<>(List.of(url));
        Set<String> seen = new HashSet<>();
        seen.add(key(url));
        for (int hop = 0; hop <= options.maxRedirects(); hop++) {
            FetchException refused = expect == Expect.ROBOTS ? null : robots.refusal(current);
            if (refused != null) {
                throw refused;
            }
            HttpResponse<Body> resp = request(current, expect);
            int status = resp.statusCode();
            if (status == 301 || status == 302 || status == 303 || status == 307 || status == 308) {
                String location = resp.headers().firstValue("location").orElse(null);
                String next = Urls.resolve(current, location);
                if (next == null) {
                    throw new FetchException(FetchException.Kind.FAILED, status,
                            "HTTP " + status + " redirect without a usable Location (" + location + ")");
                }
                chain.add(next);
                if (!seen.add(key(next))) {
                    throw new FetchException(FetchException.Kind.FAILED, status,
                            "redirect loop: " + String.join(" -> ", chain));
                }
                current = next;
                continue;
            }
            return finish(current, expect, resp);
        }
        throw new FetchException(FetchException.Kind.FAILED, null,
                "more than " + options.maxRedirects() + " redirects: " + String.join(" -> ", chain));
    }

    private static String key(String url) {
        String n = Urls.normalise(url);
        return n != null ? n : url;
    }

    private Response finish(String url, Expect expect, HttpResponse<Body> resp) throws FetchException {
        int status = resp.statusCode();
        Body body = resp.body();
        if (status == 404 || status == 410) {
            throw new FetchException(FetchException.Kind.GONE, status, "HTTP " + status);
        }
        if (status < 200 || status >= 300) {
            throw new FetchException(FetchException.Kind.FAILED, status, "HTTP " + status);
        }
        String type = resp.headers().firstValue("content-type").orElse("");
        if (body.refusedType() != null) {
            String what = expect == Expect.IMAGE ? "not an image" : expect == Expect.PAGE ? "not HTML" : "not a sitemap";
            throw new FetchException(expect == Expect.PAGE ? FetchException.Kind.SKIPPED : FetchException.Kind.FAILED,
                    status, what + ": served as " + body.refusedType());
        }
        int limit = limit(expect);
        if (body.tooLarge()) {
            throw new FetchException(FetchException.Kind.FAILED, status, "larger than " + sizeText(limit));
        }
        byte[] bytes = body.bytes();
        String encoding = resp.headers().firstValue("content-encoding").orElse("").strip().toLowerCase(Locale.ROOT);
        if (encoding.equals("gzip") || encoding.equals("x-gzip")) {
            bytes = gunzip(bytes, limit);
            if (bytes == null) {
                throw new FetchException(FetchException.Kind.FAILED, status, "larger than " + sizeText(limit)
                        + " once decompressed, or not valid gzip");
            }
        }
        this.bytes.addAndGet(bytes.length);
        return new Response(url, status, type, bytes, resp.headers());
    }

    /** The gzip data decompressed, or null when it is invalid or larger than {@code limit}. */
    static byte[] gunzip(byte[] data, int limit) {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(data))) {
            byte[] out = in.readNBytes(limit + 1);
            return out.length > limit ? null : out;
        } catch (IOException e) {
            return null;
        }
    }

    static String sizeText(long bytes) {
        if (bytes >= 1 << 20 && bytes % (1 << 20) == 0) {
            return (bytes >> 20) + " MiB";
        }
        if (bytes >= 1 << 10 && bytes % (1 << 10) == 0) {
            return (bytes >> 10) + " KiB";
        }
        return bytes + " bytes";
    }

    private int limit(Expect expect) {
        return expect == Expect.IMAGE ? options.maxImageBytes() : options.maxPageBytes();
    }

    /** One URL, retried on 429, 5xx and broken connections; redirects and errors are returned, not thrown. */
    private HttpResponse<Body> request(String url, Expect expect) throws FetchException, InterruptedException {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new FetchException(FetchException.Kind.FAILED, null, "bad URL: " + e.getMessage());
        }
        HostGate gate = gate(uri);
        for (int attempt = 0; ; attempt++) {
            HttpResponse<Body> resp;
            gate.acquire();
            try {
                requests.incrementAndGet();
                resp = send(uri, expect);
            } catch (IOException e) {
                if (attempt >= options.maxRetries() || unresolved(e)) {
                    throw new FetchException(FetchException.Kind.FAILED, null, describe(uri, e) + retried(attempt));
                }
                resp = null;
            } finally {
                gate.release();
            }
            if (resp == null) {
                retries.incrementAndGet();
                Thread.sleep(backoff(attempt));
                continue;
            }
            int status = resp.statusCode();
            if (status != 429 && status < 500) {
                return resp;
            }
            Long retryAfter = retryAfterMs(resp.headers());
            if (retryAfter != null) {
                // The whole host asked for a pause, not just this URL.
                gate.pauseFor(Math.min(retryAfter, options.maxRetryAfter().toMillis()));
            }
            if (attempt >= options.maxRetries()) {
                throw new FetchException(FetchException.Kind.FAILED, status, "HTTP " + status + retried(attempt));
            }
            if (retryAfter != null && retryAfter > options.maxRetryAfter().toMillis()) {
                throw new FetchException(FetchException.Kind.FAILED, status, "HTTP " + status + ": asked to retry after "
                        + retryAfter / 1000 + " s, more than the " + options.maxRetryAfter().toSeconds() + " s allowed");
            }
            retries.incrementAndGet();
            if (retryAfter == null) {
                Thread.sleep(backoff(attempt));
            }
        }
    }

    private static String retried(int attempt) {
        return attempt == 0 ? "" : " (after " + attempt + (attempt == 1 ? " retry)" : " retries)");
    }

    private HttpResponse<Body> send(URI uri, Expect expect) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(uri)
                .timeout(options.requestTimeout())
                .header("User-Agent", options.userAgent())
                .header("Accept", accept(expect))
                .header("Accept-Encoding", "gzip")
                .GET().build();
        CompletableFuture<HttpResponse<Body>> cf = client.sendAsync(req, handler(expect));
        try {
            return cf.get(options.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            cf.cancel(true);
            throw new HttpTimeoutException("timed out after " + options.requestTimeout().toMillis() + " ms");
        } catch (InterruptedException e) {
            cf.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new IOException(String.valueOf(cause), cause);
        }
    }

    /** Whether the host name did not resolve: not worth retrying within seconds. */
    private static boolean unresolved(IOException e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof java.nio.channels.UnresolvedAddressException || c instanceof java.net.UnknownHostException) {
                return true;
            }
        }
        return false;
    }

    /** A failure to get any answer from {@code uri}'s host, in words: which host, and refused, unresolvable or timed out. */
    static String describe(URI uri, IOException e) {
        if (e instanceof HttpTimeoutException) {
            return e.getMessage() != null && e.getMessage().startsWith("timed out") ? e.getMessage() : "timed out";
        }
        String host = uri.getHost();
        int port = uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        if (unresolved(e)) {
            return "cannot resolve " + host;
        }
        if (e instanceof java.net.ConnectException) {
            String why = null;
            for (Throwable c = e; c != null; c = c.getCause()) {
                if (c.getMessage() != null && !c.getMessage().isBlank()) {
                    why = c.getMessage();
                }
            }
            // the JDK's client reports a refused connection as a ConnectException without any detail
            return "cannot connect to " + host + ":" + port + ": "
                    + (why != null ? why.toLowerCase(Locale.ROOT) : "connection refused");
        }
        String msg = e.getMessage();
        return msg == null || msg.isBlank() ? e.getClass().getSimpleName() : msg;
    }

    private long backoff(int attempt) {
        long base = options.retryBackoff().toMillis();
        long wait = base << Math.min(attempt, 10);
        return Math.min(wait + ThreadLocalRandom.current().nextLong(base / 2 + 1), 60_000L);
    }

    /** {@code Retry-After} in milliseconds, as seconds or an HTTP date; null when absent or unreadable. */
    static Long retryAfterMs(HttpHeaders headers) {
        String v = headers.firstValue("retry-after").orElse(null);
        if (v == null || v.isBlank()) {
            return null;
        }
        v = v.strip();
        try {
            return Math.max(0, (long) (Double.parseDouble(v) * 1000));
        } catch (NumberFormatException e) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
                return Math.max(0, at.toInstant().toEpochMilli() - System.currentTimeMillis());
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }

    private static String accept(Expect expect) {
        return switch (expect) {
            case PAGE -> "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1";
            case SITEMAP -> "application/xml,text/xml;q=0.9,text/plain;q=0.5,*/*;q=0.1";
            case IMAGE -> "image/webp,image/jpeg,image/png,image/*;q=0.8";
            case ROBOTS -> "text/plain,*/*;q=0.1";
        };
    }

    /** Whether a body of this content type is what {@code expect} wants (an empty type is given the benefit of the doubt for pages and images). */
    static boolean acceptable(Expect expect, String contentType) {
        String t = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return switch (expect) {
            case PAGE -> t.isEmpty() || t.equals("text/html") || t.equals("application/xhtml+xml");
            case SITEMAP -> !t.equals("text/html") && !t.startsWith("image/");
            case IMAGE -> t.isEmpty() || t.startsWith("image/") || t.endsWith("/octet-stream");
            case ROBOTS -> true;
        };
    }

    private HttpResponse.BodyHandler<Body> handler(Expect expect) {
        return info -> {
            int status = info.statusCode();
            if (status < 200 || status >= 300) {
                return new LimitedBody(ERROR_BODY_BYTES, null);
            }
            String type = info.headers().firstValue("content-type").orElse("");
            if (!acceptable(expect, type)) {
                return new LimitedBody(0, type.split(";", 2)[0].strip());
            }
            int limit = limit(expect);
            long length = info.headers().firstValueAsLong("content-length").orElse(-1L);
            if (length > limit) {
                return new LimitedBody(-1, null);
            }
            return new LimitedBody(limit, null);
        };
    }

    private HostGate gate(URI uri) {
        String origin = uri.getScheme() + "://" + uri.getHost() + ":" + uri.getPort();
        return gates.computeIfAbsent(origin, o -> new HostGate(options.concurrency(), options.delay().toMillis()));
    }

    /** Raises the gap between requests to the host of {@code url} (robots.txt's Crawl-delay). */
    void slowDown(String url, long delayMs) {
        gate(URI.create(url)).atLeast(delayMs);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }

    /** A body as read: its bytes, or the content type that made us refuse it, or too large. */
    record Body(byte[] bytes, String refusedType, boolean tooLarge) {}

    /**
     * Collects a body up to {@code limit} bytes and cancels the stream beyond it, so a huge page costs
     * no more than the limit. A limit of 0 refuses the body unread (wrong type), -1 marks it too large.
     */
    private static final class LimitedBody implements HttpResponse.BodySubscriber<Body> {
        private final int limit;
        private final String refusedType;
        private final CompletableFuture<Body> result = new CompletableFuture<>();
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        private Flow.Subscription subscription;

        LimitedBody(int limit, String refusedType) {
            this.limit = limit;
            this.refusedType = refusedType;
        }

        @Override
        public CompletionStage<Body> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (refusedType != null) {
                s.cancel();
                result.complete(new Body(new byte[0], refusedType, false));
            } else if (limit < 0) {
                s.cancel();
                result.complete(new Body(new byte[0], null, true));
            } else {
                s.request(Long.MAX_VALUE);
            }
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer b : items) {
                int n = b.remaining();
                if (buffer.size() + n > limit) {
                    subscription.cancel();
                    result.complete(new Body(new byte[0], null, true));
                    return;
                }
                byte[] chunk = new byte[n];
                b.get(chunk);
                buffer.write(chunk, 0, n);
            }
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            result.complete(new Body(buffer.toByteArray(), null, false));
        }
    }

    /**
     * Politeness towards one host: a cap on requests in flight and a least gap between their starts,
     * which a {@code Retry-After} can push further out.
     */
    static final class HostGate {
        private final Semaphore slots;
        private long gapNanos;
        private long nextStart;

        HostGate(int concurrency, long delayMs) {
            this.slots = new Semaphore(concurrency, true);
            this.gapNanos = TimeUnit.MILLISECONDS.toNanos(delayMs);
            this.nextStart = System.nanoTime();
        }

        void acquire() throws InterruptedException {
            slots.acquire();
            long wait;
            synchronized (this) {
                long now = System.nanoTime();
                long start = Math.max(now, nextStart);
                nextStart = start + gapNanos;
                wait = start - now;
            }
            if (wait > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(wait);
                } catch (InterruptedException e) {
                    slots.release();
                    throw e;
                }
            }
        }

        void release() {
            slots.release();
        }

        synchronized void pauseFor(long ms) {
            nextStart = Math.max(nextStart, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms));
        }

        synchronized void atLeast(long delayMs) {
            gapNanos = Math.max(gapNanos, TimeUnit.MILLISECONDS.toNanos(delayMs));
        }
    }
}
