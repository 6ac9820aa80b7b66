package dev.lookalike.embed;

/** Told how far a long job (a download, an embed run) has come; the command line draws it. */
@FunctionalInterface
public interface ProgressListener {
    ProgressListener NONE = (done, total) -> { };

    /** {@code total} is -1 when unknown. */
    void progress(long done, long total);
}
