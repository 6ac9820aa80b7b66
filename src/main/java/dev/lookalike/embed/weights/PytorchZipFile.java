package dev.lookalike.embed.weights;

import dev.lookalike.embed.weights.TorchPickle.StorageRef;
import dev.lookalike.embed.weights.TorchPickle.TensorRef;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * A checkpoint saved by {@code torch.save} since PyTorch 1.6: a zip whose entries sit under one top
 * folder (named after the file, or {@code archive}; torch's reader takes it from the first entry),
 * holding {@code data.pkl} (the pickled state dict, read here by {@link TorchPickle}, which runs no
 * code), {@code data/<key>} (one entry per storage, stored uncompressed), {@code version} and, since
 * PyTorch 2.1, {@code byteorder}. Only the pickle is read on open; a tensor's bytes are read from its
 * storage entry when asked for. Zip64 archives (torch writes them past 4 GB) are read by
 * {@link ZipFile}.
 */
final class PytorchZipFile implements Weights {

    /** data.pkl of a CLIP is tens of kilobytes; a bigger one is not a state dict. */
    private static final long MAX_PICKLE_BYTES = 256L << 20;

    /** The bytes legacy torch.save files begin with: PROTO 2, then LONG1 of torch's magic number 0x1950a86a20f9469cfc6c. */
    private static final byte[] LEGACY_MAGIC = {(byte) 0x80, 0x02, (byte) 0x8a, 0x0a,
        0x6c, (byte) 0xfc, (byte) 0x9c, 0x46, (byte) 0xf9, 0x20, 0x6a, (byte) 0xa8, 0x50, 0x19};

    private record Entry(TensorInfo info, TensorRef ref, ZipEntry storage) {
    }

    private final Path file;
    private final ZipFile zip;
    private final ByteOrder order;
    private final Map<String, Entry> entries;

    private PytorchZipFile(Path file, ZipFile zip, ByteOrder order, Map<String, Entry> entries) {
        this.file = file;
        this.zip = zip;
        this.order = order;
        this.entries = entries;
    }

    /**
     * Opens the archive and reads its state dict (not the tensors' bytes).
     *
     * @throws WeightsException when the file is missing, in the legacy (pre-1.6) format, not a
     *     torch.save zip, names a global a state dict does not need, or lacks a storage a tensor uses
     */
    static PytorchZipFile open(Path file) throws WeightsException {
        if (!Files.isRegularFile(file)) {
            throw new WeightsException("weights file " + file + " does not exist");
        }
        checkSignature(file);
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw new WeightsException(file + " is not a readable PyTorch zip checkpoint: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new WeightsException("cannot open weights file " + file + ": " + e.getMessage(), e);
        }
        try {
            String prefix = prefix(file, zip);
            ByteOrder order = byteOrder(file, zip, prefix);
            Object root = TorchPickle.load(readPickle(file, zip, prefix), file + "!" + prefix + "/data.pkl");
            return new PytorchZipFile(file, zip, order, tensors(file, zip, prefix, root));
        } catch (WeightsException | RuntimeException e) {
            closeQuietly(zip);
            throw e;
        }
    }

    private static void checkSignature(Path file) throws WeightsException {
        byte[] head = new byte[LEGACY_MAGIC.length];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            throw new WeightsException("cannot read weights file " + file + ": " + e.getMessage(), e);
        }
        if (n >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
            return;
        }
        if (n == head.length && Arrays.equals(head, LEGACY_MAGIC)) {
            throw new WeightsException(file + " is a PyTorch checkpoint in the legacy format (torch.save before PyTorch 1.6, "
                    + "or with _use_new_zipfile_serialization=False), which this reader does not read: use the model's "
                    + ".safetensors file instead, or save the state dict again with a current torch.save");
        }
        throw new WeightsException(file + " is not a PyTorch zip checkpoint: it does not start with a zip signature");
    }

    /** torch's reader takes the archive's folder from its first entry, whatever the folder is called. */
    private static String prefix(Path file, ZipFile zip) throws WeightsException {
        var it = zip.entries();
        if (!it.hasMoreElements()) {
            throw new WeightsException(file + " is an empty zip, not a PyTorch checkpoint");
        }
        String first = it.nextElement().getName();
        int slash = first.indexOf('/');
        if (slash <= 0) {
            throw new WeightsException(file + " is not a torch.save archive: its first entry " + first
                    + " is not inside a folder");
        }
        String prefix = first.substring(0, slash);
        if (zip.getEntry(prefix + "/data.pkl") == null) {
            if (zip.getEntry(prefix + "/constants.pkl") != null) {
                throw new WeightsException(file + " is a TorchScript archive (torch.jit.save), not a state dict saved by torch.save");
            }
            throw new WeightsException(file + " is not a torch.save archive: it has no " + prefix + "/data.pkl");
        }
        return prefix;
    }

    private static ByteOrder byteOrder(Path file, ZipFile zip, String prefix) throws WeightsException {
        ZipEntry e = zip.getEntry(prefix + "/byteorder");
        if (e == null) {
            return ByteOrder.LITTLE_ENDIAN; // files before PyTorch 2.1; torch.load assumes little-endian too
        }
        String text;
        try (InputStream in = zip.getInputStream(e)) {
            text = new String(in.readNBytes(16), StandardCharsets.US_ASCII).strip();
        } catch (IOException ex) {
            throw new WeightsException("cannot read " + e.getName() + " in " + file + ": " + ex.getMessage(), ex);
        }
        return switch (text) {
            case "little" -> ByteOrder.LITTLE_ENDIAN;
            case "big" -> ByteOrder.BIG_ENDIAN;
            default -> throw new WeightsException(file + " names an unknown byte order \"" + text + "\" in " + e.getName());
        };
    }

    private static byte[] readPickle(Path file, ZipFile zip, String prefix) throws WeightsException {
        ZipEntry e = zip.getEntry(prefix + "/data.pkl");
        if (e.getSize() > MAX_PICKLE_BYTES) {
            throw new WeightsException(file + ": " + e.getName() + " is " + e.getSize() + " bytes, too big for a state dict");
        }
        try (InputStream in = zip.getInputStream(e)) {
            byte[] b = in.readNBytes((int) MAX_PICKLE_BYTES + 1);
            if (b.length > MAX_PICKLE_BYTES) {
                throw new WeightsException(file + ": " + e.getName() + " is too big for a state dict");
            }
            return b;
        } catch (IOException ex) {
            throw new WeightsException("cannot read " + e.getName() + " in " + file + ": " + ex.getMessage(), ex);
        }
    }

    /** The state dict's tensors in its order; other values (numbers, strings, nested dicts) are skipped. */
    private static Map<String, Entry> tensors(Path file, ZipFile zip, String prefix, Object root) throws WeightsException {
        if (!(root instanceof Map<?, ?> dict)) {
            throw new WeightsException(file + " does not hold a state dict (a dict of named tensors) but "
                    + (root == null ? "None" : root.getClass().getSimpleName()));
        }
        Map<String, Entry> entries = new LinkedHashMap<>();
        String nested = null;
        for (Map.Entry<?, ?> item : dict.entrySet()) {
            if (!(item.getKey() instanceof String name)) {
                continue;
            }
            if (item.getValue() instanceof Map<?, ?> inner && inner.values().stream().anyMatch(v -> v instanceof TensorRef)) {
                nested = nested == null ? name : nested;
            }
            if (!(item.getValue() instanceof TensorRef ref)) {
                continue;
            }
            StorageRef s = ref.storage();
            TensorInfo info = new TensorInfo(name, s.dtype(), ref.shape());
            long elements;
            long last;
            try {
                elements = info.elements();
                last = ref.offset();
                for (int i = 0; i < ref.shape().length; i++) {
                    last = Math.addExact(last, Math.multiplyExact(Math.max(ref.shape()[i] - 1, 0), ref.stride()[i]));
                }
            } catch (ArithmeticException e) {
                throw new WeightsException(file + ": tensor " + name + " has an impossible shape " + info.shapeText());
            }
            if (elements > 0 && last >= s.numel()) {
                throw new WeightsException(file + " is corrupt: tensor " + name + " " + info.shapeText() + " at offset "
                        + ref.offset() + " with strides " + Arrays.toString(ref.stride()) + " reaches past the "
                        + s.numel() + " elements of its storage " + s.key());
            }
            String entryName = prefix + "/data/" + s.key();
            ZipEntry storage = zip.getEntry(entryName);
            if (storage == null) {
                throw new WeightsException(file + " is incomplete: tensor " + name + " needs storage " + entryName
                        + ", which the archive lacks");
            }
            long needed = s.numel() * s.dtype().bytes();
            if (storage.getSize() >= 0 && storage.getSize() < needed) {
                throw new WeightsException(file + " is truncated: storage " + entryName + " of tensor " + name + " has "
                        + storage.getSize() + " bytes, its " + s.numel() + " " + s.dtype() + " elements need " + needed);
            }
            entries.put(name, new Entry(info, ref, storage));
        }
        if (entries.isEmpty() && nested != null) {
            throw new WeightsException(file + " keeps its tensors under \"" + nested + "\", a checkpoint around a state dict; "
                    + "save the state dict itself (torch.save(checkpoint[\"" + nested + "\"], ...))");
        }
        return entries;
    }

    @Override
    public String source() {
        return file.toString();
    }

    @Override
    public List<String> names() {
        return Collections.unmodifiableList(new ArrayList<>(entries.keySet()));
    }

    @Override
    public TensorInfo find(String name) {
        Entry e = entries.get(name);
        return e == null ? null : e.info();
    }

    @Override
    public ByteBuffer float32(String name) throws WeightsException {
        Entry e = entries.get(name);
        if (e == null) {
            throw new WeightsException(file + " has no tensor " + name);
        }
        DType type = e.info().dtype();
        if (!type.floating()) {
            throw new WeightsException(file + ": tensor " + name + " holds " + type + ", not floating-point weights");
        }
        long elements = e.info().elements();
        if (elements * Math.max(4, type.bytes()) > Integer.MAX_VALUE - 8) {
            throw new WeightsException(file + ": tensor " + name + " is over 2 GB as float32; not supported");
        }
        try {
            return Float32.convert(littleEndianRowMajor(e), type);
        } catch (IOException ex) {
            throw new WeightsException("cannot read tensor " + name + " from " + e.storage().getName() + " in " + file
                    + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * The tensor's elements, row-major and little-endian, in a direct buffer: a contiguous view is
     * read straight from its storage; a strided one (transposed, stepped) is gathered from the
     * stretch of the storage it spans.
     */
    private ByteBuffer littleEndianRowMajor(Entry e) throws IOException, WeightsException {
        TensorRef ref = e.ref();
        int b = e.info().dtype().bytes();
        long[] shape = ref.shape();
        long[] stride = ref.stride();
        int elements = (int) e.info().elements();
        ByteBuffer out = ByteBuffer.allocateDirect(elements * b).order(ByteOrder.LITTLE_ENDIAN);
        if (elements == 0) {
            return out;
        }
        if (contiguous(shape, stride) && order == ByteOrder.LITTLE_ENDIAN) {
            read(e.storage(), ref.offset() * b, out);
            return out.clear();
        }
        long last = ref.offset();
        for (int i = 0; i < shape.length; i++) {
            last += (shape[i] - 1) * stride[i];
        }
        long span = (last - ref.offset() + 1) * b;
        if (span > Integer.MAX_VALUE - 8) {
            throw new WeightsException(file + ": tensor " + e.info().name() + " spans over 2 GB of its storage; not supported");
        }
        ByteBuffer src = ByteBuffer.allocate((int) span);
        read(e.storage(), ref.offset() * b, src);
        byte[] from = src.array();
        int[] index = new int[shape.length];
        for (int n = 0; n < elements; n++) {
            long at = 0;
            for (int d = 0; d < shape.length; d++) {
                at += index[d] * stride[d];
            }
            int pos = (int) (at * b);
            for (int k = 0; k < b; k++) {
                out.put(from[order == ByteOrder.LITTLE_ENDIAN ? pos + k : pos + b - 1 - k]);
            }
            for (int d = shape.length - 1; d >= 0 && ++index[d] == shape[d]; d--) {
                index[d] = 0;
            }
        }
        return out.clear();
    }

    /** Row-major strides (dimensions of size 1 may have any stride, as torch lets them). */
    static boolean contiguous(long[] shape, long[] stride) {
        long expected = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] != 1 && stride[d] != expected) {
                return false;
            }
            expected *= shape[d];
        }
        return true;
    }

    /** Fills {@code to} from the entry's bytes at {@code offset}; stored entries skip without reading. */
    private void read(ZipEntry entry, long offset, ByteBuffer to) throws IOException {
        try (InputStream in = zip.getInputStream(entry)) {
            long left = offset;
            while (left > 0) {
                long n = in.skip(left);
                if (n <= 0) {
                    if (in.read() < 0) {
                        throw new EOFException("storage ends before byte " + offset);
                    }
                    n = 1;
                }
                left -= n;
            }
            byte[] chunk = new byte[(int) Math.min(to.remaining(), 1 << 20)];
            while (to.hasRemaining()) {
                int n = in.read(chunk, 0, Math.min(chunk.length, to.remaining()));
                if (n < 0) {
                    throw new EOFException("storage ends " + to.remaining() + " bytes early");
                }
                to.put(chunk, 0, n);
            }
        }
    }

    @Override
    public void close() {
        closeQuietly(zip);
    }

    private static void closeQuietly(ZipFile zip) {
        try {
            zip.close();
        } catch (IOException ignored) {
            // read-only; a failed close loses nothing
        }
    }
}
