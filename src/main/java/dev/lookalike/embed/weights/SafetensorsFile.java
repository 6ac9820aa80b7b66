package dev.lookalike.embed.weights;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code .safetensors} file: an 8-byte little-endian header length N, N bytes of UTF-8 JSON (beginning
 * with {@code '{'}, maybe padded with trailing spaces) naming each tensor's {@code dtype}, {@code shape}
 * and {@code data_offsets} (begin, end) relative to the byte buffer that follows, then that buffer,
 * which the tensors must cover exactly (format as specified by huggingface/safetensors' README and
 * checked as its reader, {@code safetensors/src/tensor.rs}, checks it).
 * Tensors are mapped from the file one by one, so files of any size open without a copy in memory
 * (DJL's {@code NDList.decode} reads the whole file into one array and stops at 2 GB).
 */
final class SafetensorsFile implements Weights {

    /** The reference implementation refuses headers over 100 MB; so do we. */
    static final long MAX_HEADER_BYTES = 100_000_000L;

    /** Duplicate names and anything after the object are errors, as in the reference (serde_json) reader. */
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private record Entry(TensorInfo info, long begin, long end) {
    }

    private final Path file;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, Entry> entries;

    private SafetensorsFile(Path file, FileChannel channel, long dataStart, Map<String, Entry> entries) {
        this.file = file;
        this.channel = channel;
        this.dataStart = dataStart;
        this.entries = entries;
    }

    /**
     * Opens the file and reads its header (not the tensors).
     *
     * @throws WeightsException when the file is missing, truncated, or its header is malformed
     */
    static SafetensorsFile open(Path file) throws WeightsException {
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new WeightsException("weights file " + file + " does not exist");
        } catch (IOException e) {
            throw new WeightsException("cannot open weights file " + file + ": " + e.getMessage(), e);
        }
        try {
            long size = channel.size();
            if (size < 8) {
                throw new WeightsException(file + " is not a safetensors file: " + size + " bytes, shorter than its header length");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, lenBuf, 0);
            long headerLen = lenBuf.getLong(0);
            if (headerLen < 2 || headerLen > MAX_HEADER_BYTES) {
                throw new WeightsException(file + " is not a safetensors file: header length " + Long.toUnsignedString(headerLen)
                        + " is out of range (2.." + MAX_HEADER_BYTES + ")");
            }
            if (8 + headerLen > size) {
                throw new WeightsException(file + " is truncated: its header needs " + headerLen + " bytes, the file has "
                        + (size - 8) + " after the length");
            }
            ByteBuffer header = ByteBuffer.allocate((int) headerLen);
            readFully(channel, header, 8);
            long dataStart = 8 + headerLen;
            Map<String, Entry> entries = parseHeader(file, header.array(), size - dataStart);
            return new SafetensorsFile(file, channel, dataStart, entries);
        } catch (WeightsException | RuntimeException e) {
            closeQuietly(channel);
            throw e;
        } catch (IOException e) {
            closeQuietly(channel);
            throw new WeightsException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, Entry> parseHeader(Path file, byte[] header, long dataBytes) throws WeightsException {
        if (header[0] != '{') {
            throw new WeightsException(file + " is not a safetensors file: its header does not begin with '{'");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(header)).toString();
        } catch (CharacterCodingException e) {
            throw new WeightsException(file + " has a malformed safetensors header: not UTF-8");
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new WeightsException(file + " has a malformed safetensors header (not JSON): " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new WeightsException(file + " has a malformed safetensors header: not a JSON object");
        }
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String name = field.getKey();
            if (name.equals("__metadata__")) {
                checkMetadata(file, field.getValue());
                continue;
            }
            JsonNode t = field.getValue();
            JsonNode offsets = t.path("data_offsets");
            JsonNode shapeNode = t.path("shape");
            if (!t.path("dtype").isTextual() || !shapeNode.isArray() || !offsets.isArray() || offsets.size() != 2) {
                throw new WeightsException(file + ": tensor " + name + " lacks dtype, shape or data_offsets in the header");
            }
            DType type;
            try {
                type = DType.ofSafetensors(t.get("dtype").asText());
            } catch (IllegalArgumentException e) {
                throw new WeightsException(file + ": tensor " + name + " has " + e.getMessage());
            }
            long[] shape = new long[shapeNode.size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = count(shapeNode.get(i));
                if (shape[i] < 0) {
                    throw new WeightsException(file + ": tensor " + name + " has a bad shape " + shapeNode);
                }
            }
            long begin = count(offsets.get(0));
            long end = count(offsets.get(1));
            TensorInfo info = new TensorInfo(name, type, shape);
            long expected;
            try {
                expected = Math.multiplyExact(info.elements(), type.bytes());
            } catch (ArithmeticException e) {
                throw new WeightsException(file + ": tensor " + name + " has an impossible shape " + info.shapeText());
            }
            if (begin < 0 || end < begin || end > dataBytes) {
                throw new WeightsException(file + " is truncated or corrupt: tensor " + name + " spans bytes " + offsets
                        + " of a data section of " + dataBytes);
            }
            if (end - begin != expected) {
                throw new WeightsException(file + ": tensor " + name + " " + type + info.shapeText() + " needs " + expected
                        + " bytes but its data_offsets give " + (end - begin));
            }
            entries.put(name, new Entry(info, begin, end));
        }
        checkCoverage(file, entries.values(), dataBytes);
        return entries;
    }

    /** A non-negative JSON integer, or -1 (strings, fractions and numbers past a long are not counts). */
    private static long count(JsonNode n) {
        return n.isIntegralNumber() && n.canConvertToLong() && n.asLong() >= 0 ? n.asLong() : -1;
    }

    /** The spec: "free form string-to-string map. Arbitrary JSON is not allowed, all values must be strings". */
    private static void checkMetadata(Path file, JsonNode metadata) throws WeightsException {
        if (!metadata.isObject()) {
            throw new WeightsException(file + " has a malformed safetensors header: __metadata__ is not an object");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = metadata.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw new WeightsException(file + " has a malformed safetensors header: __metadata__ value "
                        + e.getKey() + " is not a string");
            }
        }
    }

    /**
     * The reference reader sorts tensors by data_offsets and requires each to start where the last
     * ended, and the last to end at the end of the file: "the byte buffer needs to be entirely
     * indexed, and cannot contain holes" (no overlaps, no gaps, no trailing bytes).
     */
    private static void checkCoverage(Path file, Collection<Entry> entries, long dataBytes) throws WeightsException {
        List<Entry> byOffset = new ArrayList<>(entries);
        byOffset.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long at = 0;
        String previous = null;
        for (Entry e : byOffset) {
            if (e.begin() != at) {
                throw new WeightsException(file + " is corrupt: tensor " + e.info().name() + " starts at byte " + e.begin()
                        + " of the data section, but " + (previous == null ? "the section starts at 0"
                        : "the tensor before it, " + previous + ", ends at " + at)
                        + (e.begin() < at ? " (they overlap)" : " (a gap)"));
            }
            at = e.end();
            previous = e.info().name();
        }
        if (at != dataBytes) {
            throw new WeightsException(file + " is corrupt: its tensors cover " + at + " bytes of a data section of "
                    + dataBytes + " (bytes after the last tensor)");
        }
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
        if (!e.info().dtype().floating()) {
            throw new WeightsException(file + ": tensor " + name + " holds " + e.info().dtype() + ", not floating-point weights");
        }
        long length = e.end() - e.begin();
        if (e.info().elements() * Math.max(4, e.info().dtype().bytes()) > Integer.MAX_VALUE - 8) {
            throw new WeightsException(file + ": tensor " + name + " is over 2 GB as float32; not supported");
        }
        try {
            ByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, dataStart + e.begin(), length);
            return Float32.convert(mapped, e.info().dtype());
        } catch (IOException ex) {
            throw new WeightsException("cannot read tensor " + name + " from " + file + ": " + ex.getMessage(), ex);
        }
    }

    @Override
    public void close() {
        closeQuietly(channel);
    }

    private static void readFully(FileChannel channel, ByteBuffer buf, long position) throws IOException {
        while (buf.hasRemaining()) {
            int n = channel.read(buf, position + buf.position());
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing was written; a failed close loses nothing
        }
    }
}
