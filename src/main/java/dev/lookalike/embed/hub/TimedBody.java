package dev.lookalike.embed.hub;

import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A response body read chunk by chunk with a read timeout: java.net.http's own timeout ends when the
 * headers arrive, and a CDN that stalls mid-file must not hang a download for ever.
 */
final class TimedBody implements Flow.Subscriber<List<ByteBuffer>> {

    private static final Object END = new Object();

    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private volatile Flow.Subscription subscription;
    private volatile boolean cancelled;

    /** Subscribes to {@code body}; nothing is read until {@link #next}. */
    static TimedBody of(Flow.Publisher<List<ByteBuffer>> body) {
        TimedBody b = new TimedBody();
        body.subscribe(b);
        return b;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (cancelled) {
            s.cancel();
        } else {
            s.request(1);
        }
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
        queue.add(item);
    }

    @Override
    public void onError(Throwable t) {
        queue.add(t);
    }

    @Override
    public void onComplete() {
        queue.add(END);
    }

    /**
     * The next chunk, or {@code null} at the end of the body.
     *
     * @throws HttpTimeoutException when nothing arrives within {@code timeout}
     * @throws IOException          when the connection fails
     */
    @SuppressWarnings("unchecked")
    List<ByteBuffer> next(Duration timeout) throws IOException, InterruptedException {
        Object o = queue.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (o == null) {
            cancel();
            throw new HttpTimeoutException("no data for " + timeout.toMillis() + " ms");
        }
        if (o == END) {
            return null;
        }
        if (o instanceof Throwable t) {
            throw t instanceof IOException io ? io : new IOException(t.getMessage(), t);
        }
        subscription.request(1);
        return (List<ByteBuffer>) o;
    }

    /** Drops the rest of the body (and, for HTTP/1.1, the connection). */
    void cancel() {
        cancelled = true;
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
    }
}
