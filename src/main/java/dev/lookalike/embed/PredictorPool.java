package dev.lookalike.embed;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import ai.djl.translate.Translator;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * DJL predictors are not thread-safe, so each call borrows one from this pool and gives it back.
 * Up to {@code size} predictors are made on demand; more callers wait for one to come back.
 */
final class PredictorPool<I, O> implements AutoCloseable {

    private final Model model;
    private final Translator<I, O> translator;
    private final BlockingQueue<Predictor<I, O>> idle;
    private final List<Predictor<I, O>> all = new ArrayList<>();
    private final int size;
    private boolean closed;

    PredictorPool(Model model, Translator<I, O> translator, int size) {
        this.model = model;
        this.translator = translator;
        this.size = size;
        this.idle = new ArrayBlockingQueue<>(size);
    }

    O predict(I input) throws TranslateException {
        Predictor<I, O> p = borrow();
        try {
            return p.predict(input);
        } finally {
            idle.add(p);
        }
    }

    private Predictor<I, O> borrow() {
        Predictor<I, O> p = idle.poll();
        if (p != null) {
            return p;
        }
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("model " + model.getName() + " is closed");
            }
            if (all.size() < size) {
                Predictor<I, O> fresh = model.newPredictor(translator);
                all.add(fresh);
                return fresh;
            }
        }
        try {
            return idle.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddingException("interrupted while waiting for a predictor of " + model.getName(), e);
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        for (Predictor<I, O> p : all) {
            p.close();
        }
        all.clear();
        idle.clear();
    }
}
