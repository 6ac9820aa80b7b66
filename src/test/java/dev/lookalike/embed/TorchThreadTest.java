package dev.lookalike.embed;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TorchThreadTest {

    @Test
    void callsFromManyThreadsAllRunOnOneThread() throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(6);
        try {
            Set<Thread> seen = new HashSet<>();
            List<Future<Thread>> runs = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                runs.add(callers.submit(() -> TorchThread.call(Thread::currentThread)));
            }
            for (Future<Thread> f : runs) {
                seen.add(f.get());
            }
            assertEquals(1, seen.size());
            assertEquals("lookalike-torch", seen.iterator().next().getName());
        } finally {
            callers.shutdown();
        }
    }

    @Test
    void aCallFromTheThreadItselfRunsAtOnce() {
        // waiting for the executor from its own thread would deadlock
        Thread inner = TorchThread.call(() -> TorchThread.call(Thread::currentThread));
        assertEquals("lookalike-torch", inner.getName());
    }

    @Test
    void busyWhileWorkRunsOrWaits() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        TorchThread.execute(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(TorchThread.busy());
        release.countDown();
        TorchThread.call(() -> null); // queued behind it: done once this returns
        assertFalse(TorchThread.busy());
    }

    @Test
    void theCallerGetsWhatTheWorkThrew() {
        IOException io = new IOException("disk gone");
        assertSame(io, assertThrows(IOException.class, () -> TorchThread.call(() -> {
            throw io;
        })));
        IllegalStateException closed = new IllegalStateException("closed");
        assertSame(closed, assertThrows(IllegalStateException.class, () -> TorchThread.call(() -> {
            throw closed;
        })));
    }
}
