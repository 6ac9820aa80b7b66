package dev.lookalike.embed;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import ai.djl.translate.Translator;

/**
 * One tower of a model and its predictor. DJL predictors are not thread-safe and all PyTorch work
 * runs on {@link TorchThread}, so a tower has exactly one predictor, made there on first use and only
 * ever used there; callers on other threads wait for their turn.
 */
final class Tower<I, O> implements AutoCloseable {

    private final Model model;
    private final Translator<I, O> translator;
    /** Read and written on the PyTorch thread only. */
    private Predictor<I, O> predictor;
    private boolean closed;

    Tower(Model model, Translator<I, O> translator) {
        this.model = model;
        this.translator = translator;
    }

    /**
     * Runs the tower on one input.
     *
     * @throws IllegalStateException when the model has been closed
     */
    O predict(I input) throws TranslateException {
        return TorchThread.call(() -> {
            if (closed) {
                throw new IllegalStateException("model " + model.getName() + " is closed");
            }
            if (predictor == null) {
                predictor = model.newPredictor(translator);
            }
            return predictor.predict(input);
        });
    }

    /** Closes the predictor (not the model, which its owner closes). */
    @Override
    public void close() {
        TorchThread.call(() -> {
            closed = true;
            if (predictor != null) {
                predictor.close();
                predictor = null;
            }
            return null;
        });
    }
}
