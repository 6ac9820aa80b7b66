package dev.lookalike.embed.hub;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The cache folder in huggingface_hub's layout ({@code file_download.py}):
 * <pre>
 * models--OWNER--NAME/blobs/ETAG                 the bytes, named by their etag
 *                    /snapshots/COMMIT/FILE      a relative symlink to ../../blobs/ETAG
 *                    /refs/REVISION              the commit a branch or tag pointed at
 *                    /.no_exist/COMMIT/FILE      an empty file: the repo has no such file
 * .locks/models--OWNER--NAME/ETAG.lock           held while the blob is written
 * </pre>
 */
final class HubCache {

    /** Held by this JVM per lock file: a FileLock excludes other processes, not other threads. */
    private static final ConcurrentHashMap<Path, ReentrantLock> LOCAL_LOCKS = new ConcurrentHashMap<>();

    private static final String CACHEDIR_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n"
            + "# This file is a cache directory tag created by huggingface_hub.\n"
            + "# For information about cache directory tags, see:\n"
            + "#\thttps://bford.info/cachedir/\n";

    private final Path root;
    private final boolean symlinks;

    HubCache(Path root, boolean symlinks) {
        this.root = root.toAbsolutePath().normalize();
        this.symlinks = symlinks;
    }

    /** {@code models--OWNER--NAME}: huggingface_hub's {@code repo_folder_name} for a model repo. */
    static String folderName(HubRepo repo) {
        return "models--" + repo.id().replace("/", "--");
    }

    Path storage(HubRepo repo) {
        return root.resolve(folderName(repo));
    }

    Path pointer(HubRepo repo, String commit, String file) {
        return storage(repo).resolve("snapshots").resolve(commit).resolve(file);
    }

    Path blob(HubRepo repo, String etag) {
        return storage(repo).resolve("blobs").resolve(etag);
    }

    Path noExist(HubRepo repo, String commit, String file) {
        return storage(repo).resolve(".no_exist").resolve(commit).resolve(file);
    }

    /**
     * The commit the revision stands for without asking the Hub: the revision itself when it is a
     * commit hash, else what {@code refs/REVISION} holds; empty when the cache does not know.
     */
    Optional<String> cachedCommit(HubRepo repo) {
        if (repo.pinned()) {
            return Optional.of(repo.revision());
        }
        Path ref = storage(repo).resolve("refs").resolve(repo.revision());
        try {
            String commit = Files.readString(ref, StandardCharsets.UTF_8).strip();
            return HubRepo.isCommitHash(commit) ? Optional.of(commit) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Records that the revision points at {@code commit} (huggingface_hub's
     * {@code _cache_commit_hash_for_specific_revision}): nothing for a commit hash or an unchanged
     * ref; written through a temporary file so a reader never sees half a hash.
     */
    void writeRef(HubRepo repo, String commit) throws IOException {
        if (repo.revision().equals(commit)) {
            return;
        }
        Path ref = storage(repo).resolve("refs").resolve(repo.revision());
        if (Files.isRegularFile(ref) && commit.equals(Files.readString(ref, StandardCharsets.UTF_8))) {
            return;
        }
        Files.createDirectories(ref.getParent());
        Path tmp = ref.resolveSibling(ref.getFileName() + "." + UUID.randomUUID().toString().substring(0, 8) + ".tmp");
        Files.writeString(tmp, commit, StandardCharsets.UTF_8);
        moveAtomically(tmp, ref);
    }

    /** Remembers that {@code file} does not exist at {@code commit}, as huggingface_hub does. */
    void markMissing(HubRepo repo, String commit, String file) throws IOException {
        Path marker = noExist(repo, commit, file);
        Files.createDirectories(marker.getParent());
        if (!Files.exists(marker)) {
            try {
                Files.createFile(marker);
            } catch (FileAlreadyExistsException e) {
                // another process marked it first
            }
        }
    }

    /** Tags the cache folder for backup tools (CACHEDIR.TAG, as huggingface_hub writes it). */
    void tag() {
        Path tag = root.resolve("CACHEDIR.TAG");
        if (!Files.exists(tag)) {
            try {
                Files.createDirectories(root);
                Files.writeString(tag, CACHEDIR_TAG, StandardCharsets.UTF_8);
            } catch (IOException e) {
                // only a courtesy to backup tools
            }
        }
    }

    /**
     * Excludes other threads and processes from writing this blob until closed: a lock on
     * {@code .locks/models--OWNER--NAME/ETAG.lock}. Blocks until it is free.
     */
    Lock lock(HubRepo repo, String etag) throws IOException {
        Path file = root.resolve(".locks").resolve(folderName(repo)).resolve(etag + ".lock");
        Files.createDirectories(file.getParent());
        ReentrantLock local = LOCAL_LOCKS.computeIfAbsent(file, f -> new ReentrantLock());
        local.lock();
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                return new Lock(local, channel, channel.lock());
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            local.unlock();
            throw e;
        }
    }

    /**
     * Makes {@code pointer} show {@code blob}: a relative symlink like huggingface_hub's
     * {@code _create_symlink}; where symlinks fail, a new blob is moved there and an old one copied
     * (it may be linked elsewhere).
     */
    void link(Path blob, Path pointer, boolean newBlob) throws IOException {
        Files.createDirectories(pointer.getParent());
        Files.deleteIfExists(pointer);
        if (symlinks) {
            Path target = pointer.getParent().relativize(blob);
            try {
                Files.createSymbolicLink(pointer, target);
                return;
            } catch (FileAlreadyExistsException e) {
                if (Files.isSymbolicLink(pointer) && Files.isSameFile(pointer, blob)) {
                    return; // linked by another process in between
                }
                throw e;
            } catch (UnsupportedOperationException | IOException e) {
                // no symlinks on this file system: fall through to a real file
            }
        }
        Path tmp = pointer.resolveSibling(pointer.getFileName() + "." + UUID.randomUUID().toString().substring(0, 8)
                + ".tmp");
        if (newBlob) {
            Files.move(blob, tmp);
        } else {
            Files.copy(blob, tmp, StandardCopyOption.REPLACE_EXISTING);
        }
        moveAtomically(tmp, pointer);
    }

    static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** A held blob lock. */
    static final class Lock implements AutoCloseable {
        private final ReentrantLock local;
        private final FileChannel channel;
        private final FileLock lock;

        private Lock(ReentrantLock local, FileChannel channel, FileLock lock) {
            this.local = local;
            this.channel = channel;
            this.lock = lock;
        }

        @Override
        public void close() throws IOException {
            try {
                lock.release();
                channel.close();
            } finally {
                local.unlock();
            }
        }
    }
}
