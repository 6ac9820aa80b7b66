package dev.lookalike.web;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Fetches the photo at a URL a shopper pasted, without letting the server be turned against its own
 * network (SSRF): only http(s); the host name is resolved here, every address it resolves to must be
 * public, and the connection goes to exactly the address that was checked (so a second DNS answer
 * cannot point it elsewhere); redirects are followed by hand, each target checked the same way; the
 * whole fetch has a deadline and the body a size cap. One HTTP client, configured once.
 */
@Singleton
public class PhotoFetcher {

    private final Vertx vertx;
    private final ServeConfig.Fetch config;
    private final long maxBytes;
    private HttpClient client;

    @Inject
    PhotoFetcher(Vertx vertx, ServeConfig config) {
        this.vertx = vertx;
        this.config = config.web().fetch();
        this.maxBytes = config.web().maxPhotoSize().asLongValue();
    }

    private synchronized HttpClient client() {
        if (client == null) {
            client = vertx.createHttpClient(new HttpClientOptions()
                    .setConnectTimeout((int) config.connectTimeout().toMillis())
                    .setKeepAlive(false)
                    .setVerifyHost(true)
                    .setForceSni(true)
                    .setMaxRedirects(0));
        }
        return client;
    }

    @PreDestroy
    synchronized void close() {
        if (client != null) {
            client.close();
        }
    }

    /**
     * The bytes at {@code url}.
     *
     * @throws WebProblem 400 when the URL is not http(s) or points at a private address, 413 when the photo
     *     is larger than allowed, 502 when the other server cannot be reached or does not answer 200
     */
    public byte[] fetch(String url) {
        long deadline = System.nanoTime() + config.timeout().toNanos();
        URI uri = parse(url);
        for (int hop = 0; ; hop++) {
            InetAddress address = checkedAddress(uri);
            Answer answer = get(uri, address, deadline);
            if (answer.location() == null) {
                return answer.body();
            }
            if (hop >= config.maxRedirects()) {
                throw new WebProblem(502, "fetching " + url + ": too many redirects");
            }
            try {
                uri = parse(uri.resolve(answer.location()).toString());
            } catch (IllegalArgumentException e) {
                throw new WebProblem(502, "fetching " + url + ": bad redirect to " + answer.location());
            }
        }
    }

    private record Answer(byte[] body, String location) {}

    static URI parse(String url) {
        URI uri;
        try {
            uri = new URI(url == null ? "" : url.strip());
        } catch (URISyntaxException e) {
            throw WebProblem.badRequest("not a URL: " + url);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw WebProblem.badRequest("only http and https photo URLs can be fetched, not " + url);
        }
        if (uri.getHost() == null || uri.getRawUserInfo() != null) {
            throw WebProblem.badRequest("a photo URL needs a host name and no user name: " + url);
        }
        return uri;
    }

    private InetAddress checkedAddress(URI uri) {
        String host = uri.getHost();
        String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        InetAddress[] all;
        try {
            all = InetAddress.getAllByName(bare);
        } catch (UnknownHostException e) {
            throw new WebProblem(502, "fetching " + uri + ": unknown host " + bare);
        }
        boolean trusted = config.allowPrivate() || config.allowedHosts().orElse(List.of()).stream()
                .anyMatch(h -> h.equalsIgnoreCase(bare));
        if (!trusted) {
            for (InetAddress a : all) {
                if (!isPublic(a)) {
                    throw WebProblem.badRequest("will not fetch " + uri + ": " + bare + " is a private, loopback or "
                            + "link-local address");
                }
            }
        }
        return all[0];
    }

    /** False for loopback, private, link-local, multicast, shared (CGNAT), reserved and unspecified addresses. */
    static boolean isPublic(InetAddress a) {
        if (a.isAnyLocalAddress() || a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress()
                || a.isMulticastAddress()) {
            return false;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            return isPublicV4(b, 0);
        }
        int b0 = b[0] & 0xff;
        if ((b0 & 0xfe) == 0xfc) {
            return false; // fc00::/7 unique local
        }
        boolean zero96 = true;
        for (int i = 0; i < 12; i++) {
            zero96 &= b[i] == 0;
        }
        if (zero96) {
            return false; // ::/96: unspecified, loopback, IPv4-compatible
        }
        boolean mapped = true;
        for (int i = 0; i < 10; i++) {
            mapped &= b[i] == 0;
        }
        if (mapped && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
            return isPublicV4(b, 12); // ::ffff:a.b.c.d
        }
        if (b0 == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b) {
            return isPublicV4(b, 12); // 64:ff9b::/96 NAT64
        }
        if (b0 == 0x20 && (b[1] & 0xff) == 0x02) {
            return isPublicV4(b, 2); // 2002::/16 6to4
        }
        return true;
    }

    private static boolean isPublicV4(byte[] b, int at) {
        int b0 = b[at] & 0xff;
        int b1 = b[at + 1] & 0xff;
        int b2 = b[at + 2] & 0xff;
        return !(b0 == 0 || b0 == 10 || b0 == 127 || b0 >= 224
                || (b0 == 100 && (b1 & 0xc0) == 64)
                || (b0 == 169 && b1 == 254)
                || (b0 == 172 && (b1 & 0xf0) == 16)
                || (b0 == 192 && b1 == 168)
                || (b0 == 192 && b1 == 0 && b2 == 0)
                || (b0 == 198 && (b1 == 18 || b1 == 19)));
    }

    private Answer get(URI uri, InetAddress address, long deadline) {
        boolean https = uri.getScheme().equalsIgnoreCase("https");
        int port = uri.getPort() > 0 ? uri.getPort() : https ? 443 : 80;
        String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1) : uri.getHost();
        String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        long remainingMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setServer(SocketAddress.inetSocketAddress(port, address.getHostAddress()))
                .setHost(host)
                .setPort(port)
                .setSsl(https)
                .setURI(path)
                .setFollowRedirects(false)
                .setTimeout(remainingMs)
                .putHeader("Accept", "image/*")
                .putHeader("User-Agent", "Lookalike photo search");
        CompletableFuture<Answer> result = new CompletableFuture<>();
        AtomicReference<HttpClientRequest> request = new AtomicReference<>();
        client().request(options).onFailure(result::completeExceptionally).onSuccess(req -> {
            request.set(req);
            req.send().onFailure(result::completeExceptionally).onSuccess(resp -> {
                // after a reset below the stream fails; the answer is already decided by then
                resp.exceptionHandler(e -> result.completeExceptionally(e));
                int status = resp.statusCode();
                String location = resp.getHeader("Location");
                if (status >= 300 && status < 400 && location != null) {
                    result.complete(new Answer(null, location));
                    req.reset();
                    return;
                }
                if (status != 200) {
                    result.completeExceptionally(new WebProblem(502, "fetching " + uri + ": the server answered HTTP "
                            + status));
                    req.reset();
                    return;
                }
                String length = resp.getHeader("Content-Length");
                if (length != null && length.matches("\\d{1,18}") && Long.parseLong(length) > maxBytes) {
                    result.completeExceptionally(WebProblem.tooLarge(maxBytes));
                    req.reset();
                    return;
                }
                Buffer body = Buffer.buffer();
                resp.handler(chunk -> {
                    if (body.length() + chunk.length() > maxBytes) {
                        result.completeExceptionally(WebProblem.tooLarge(maxBytes));
                        req.reset();
                    } else {
                        body.appendBuffer(chunk);
                    }
                });
                resp.endHandler(v -> result.complete(new Answer(body.getBytes(), null)));
            });
        });
        try {
            return result.get(remainingMs + 50, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            HttpClientRequest req = request.get();
            if (req != null) {
                req.reset();
            }
            throw new WebProblem(502, "fetching " + uri + ": no answer within " + config.timeout().toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WebProblem(503, "interrupted while fetching " + uri);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof WebProblem p) {
                throw p;
            }
            String why = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
            throw new WebProblem(502, "fetching " + uri + ": " + why);
        }
    }
}
