package dev.lookalike.embed;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * CLIP's byte-level BPE tokenizer, giving the same ids as OpenAI's reference {@code simple_tokenizer.py}.
 *
 * <p>Text is cleaned as described in {@link ClipTextCleaner} (all of the reference's ftfy step but its
 * mojibake repair), split with the reference's pre-tokenizer pattern, and every piece is encoded
 * as UTF-8 bytes, each byte standing for one printable character, then merged by rank with
 * {@code </w>} marking the end of the piece.
 *
 * <p>Instances are immutable apart from a bounded cache of encoded pieces and may be shared by any
 * number of threads.
 */
public final class ClipTokenizer {

    private static final String START_OF_TEXT = "<|startoftext|>";
    private static final String END_OF_TEXT = "<|endoftext|>";
    private static final String END_OF_WORD = "</w>";

    /** The reference reads at most this many merges after the header: 49152 - 256 - 2. */
    private static final int MAX_MERGES = 48_894;

    /**
     * The reference's pre-tokenizer. The text is already lower case; the flags matter for {@code 'ſ} and
     * the like. U+0345 (combining ypogegrammeni) is excluded from the last class because under the
     * reference's IGNORECASE its case variant ι counts as a letter there, so no alternative matches it
     * and it is dropped, splitting the text around it.
     */
    private static final Pattern PIECE = Pattern.compile(
            "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}\\u0345]+",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.UNICODE_CHARACTER_CLASS);

    /** Pieces cached per tokenizer; short product queries repeat words, long texts must not grow it forever. */
    static final int DEFAULT_CACHE_CAPACITY = 10_000;

    /** Byte value to the printable character that stands for it in the vocabulary. */
    private static final char[] BYTE_TO_CHAR = new char[256];
    /** The 256 byte characters in the reference's order, which is also their id order. */
    private static final char[] BYTE_CHARS_IN_ORDER = new char[256];

    static {
        int next = 0;
        boolean[] printable = new boolean[256];
        for (int b = 0; b < 256; b++) {
            printable[b] = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            if (printable[b]) {
                BYTE_TO_CHAR[b] = (char) b;
                BYTE_CHARS_IN_ORDER[next++] = (char) b;
            }
        }
        int shifted = 0;
        for (int b = 0; b < 256; b++) {
            if (!printable[b]) {
                BYTE_TO_CHAR[b] = (char) (256 + shifted++);
                BYTE_CHARS_IN_ORDER[next++] = BYTE_TO_CHAR[b];
            }
        }
    }

    private record Pair(String first, String second) {
    }

    private final Map<String, Integer> vocabulary;
    private final List<String> mergeRules;
    private final Map<Pair, Integer> ranks;
    private final String endOfWord;
    private final int startOfText;
    private final int endOfText;
    /** Id for a symbol missing from the vocabulary, or -1 to fail instead. */
    private final int unknown;
    private final int vocabSize;
    private final int cacheCapacity;
    private final ConcurrentHashMap<String, int[]> cache = new ConcurrentHashMap<>();

    private ClipTokenizer(Map<String, Integer> vocabulary, List<Pair> merges, String endOfWord,
                          int startOfText, int endOfText, int unknown, int cacheCapacity) {
        this.vocabulary = Collections.unmodifiableMap(vocabulary);
        Map<Pair, Integer> ranks = new HashMap<>();
        List<String> rules = new ArrayList<>(merges.size());
        for (int rank = 0; rank < merges.size(); rank++) {
            // Like the reference's dict, a repeated pair keeps its last rank.
            ranks.put(merges.get(rank), rank);
            rules.add(merges.get(rank).first() + " " + merges.get(rank).second());
        }
        this.ranks = ranks;
        this.mergeRules = Collections.unmodifiableList(rules);
        this.endOfWord = endOfWord;
        this.startOfText = startOfText;
        this.endOfText = endOfText;
        this.unknown = unknown;
        int maxId = Math.max(startOfText, endOfText);
        for (int id : vocabulary.values()) {
            maxId = Math.max(maxId, id);
        }
        this.vocabSize = maxId + 1;
        this.cacheCapacity = cacheCapacity;
    }

    /**
     * Loads OpenAI's BPE merges file (e.g. {@code bpe_simple_vocab_16e6.txt.gz}, gzip or plain text) or a
     * HuggingFace {@code tokenizer.json}. A file whose name ends in {@code .json} or whose content starts
     * with <code>{</code> is read as JSON.
     *
     * <p>A merges file's first line is a header and is skipped, like the reference does, whatever it
     * says; blank lines are skipped (the reference would turn a trailing one into an empty vocabulary
     * entry); at most 48,894 merges are read. Ids are assigned as the reference does: 256 byte symbols,
     * the same with {@code </w>}, one per merge, then {@code <|startoftext|>} and {@code <|endoftext|>}.
     *
     * <p>From a {@code tokenizer.json} the vocabulary ids are taken as they are, merge ranks from the
     * order of {@code model.merges} (either {@code "a b"} strings or {@code ["a", "b"]} pairs), the
     * special tokens from {@code added_tokens} or else the vocabulary.
     *
     * @param file the merges file or tokenizer.json
     * @return the tokenizer, never null
     * @throws IOException if the file cannot be read, is not valid UTF-8 or gzip, or is malformed (the
     *                     message names the file and what is wrong)
     */
    public static ClipTokenizer load(Path file) throws IOException {
        return load(file, DEFAULT_CACHE_CAPACITY);
    }

    /**
     * Loads Hugging Face's two-file CLIP tokenizer ({@code CLIPTokenizer}'s {@code vocab.json} and
     * {@code merges.txt}, as published with e.g. openai/clip-vit-base-patch32), giving the same ids as
     * {@link #load(Path)} gives for OpenAI's merges file or a {@code tokenizer.json}.
     *
     * <p>Read as transformers' {@code tokenization_clip.py} reads them: {@code vocab.json} is one JSON
     * object of token to id, taken as it is; {@code merges.txt}'s first line is a header ({@code #version: 0.2})
     * and is skipped whatever it says, then at most 48,894 lines are read, one merge of two
     * whitespace-separated tokens each, ranked in file order (blank lines are skipped). {@code <|startoftext|>}
     * and {@code <|endoftext|>} come from the vocabulary; a symbol without an id encodes as
     * {@code <|endoftext|>}, CLIPTokenizer's {@code unk_token}. Either file may be gzipped.
     *
     * @param vocabJson {@code vocab.json}
     * @param mergesTxt {@code merges.txt}
     * @return the tokenizer, never null
     * @throws IOException if a file cannot be read or is not UTF-8; if {@code vocab.json} is not valid JSON,
     *                     not an object, or has an id that is not a non-negative integer; if a merge line is
     *                     not two tokens; if a merge's tokens or result, {@code <|startoftext|>} or
     *                     {@code <|endoftext|>} have no id in {@code vocab.json} (each message names the file,
     *                     and the line or token)
     */
    public static ClipTokenizer load(Path vocabJson, Path mergesTxt) throws IOException {
        Objects.requireNonNull(vocabJson, "vocabJson");
        Objects.requireNonNull(mergesTxt, "mergesTxt");
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(readText(vocabJson));
        } catch (JsonProcessingException e) {
            throw new IOException("Vocabulary file " + vocabJson + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IOException("Vocabulary file " + vocabJson + " is not a JSON object of token to id");
        }
        Map<String, Integer> vocabulary = new HashMap<>();
        for (Map.Entry<String, JsonNode> entry : root.properties()) {
            vocabulary.put(entry.getKey(), requireId(vocabJson, entry.getValue(), "\"" + entry.getKey() + "\""));
        }
        String mergesText = readText(mergesTxt);
        List<Pair> merges = mergeLines(mergesTxt, mergesText);
        List<Integer> lines = mergeLineNumbers(mergesText);
        for (int i = 0; i < merges.size(); i++) {
            Pair m = merges.get(i);
            for (String token : List.of(m.first(), m.second(), m.first() + m.second())) {
                if (!vocabulary.containsKey(token)) {
                    throw new IOException("Merges file " + mergesTxt + " line " + lines.get(i) + ": '" + m.first() + " "
                            + m.second() + "' needs '" + token + "', which vocabulary file " + vocabJson + " has no id for");
                }
            }
        }
        for (String special : List.of(START_OF_TEXT, END_OF_TEXT)) {
            if (!vocabulary.containsKey(special)) {
                throw new IOException("Vocabulary file " + vocabJson + " has no id for " + special);
            }
        }
        int endOfText = vocabulary.get(END_OF_TEXT);
        return new ClipTokenizer(vocabulary, merges, END_OF_WORD, vocabulary.get(START_OF_TEXT), endOfText, endOfText,
                DEFAULT_CACHE_CAPACITY);
    }

    /** As {@link #load(Path)}, with a chosen cache size (tests use a tiny one to exercise eviction). */
    static ClipTokenizer load(Path file, int cacheCapacity) throws IOException {
        Objects.requireNonNull(file, "file");
        if (cacheCapacity < 1) {
            throw new IllegalArgumentException("cacheCapacity must be at least 1, got " + cacheCapacity);
        }
        String text = readText(file);
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".json") || text.stripLeading().startsWith("{")) {
            return fromTokenizerJson(file, text, cacheCapacity);
        }
        return fromMerges(file, text, cacheCapacity);
    }

    /**
     * BPE token ids of the text, without start and end tokens and without truncation.
     *
     * @param text any text, never null; empty or blank text gives an empty list
     * @return an unmodifiable list of ids
     * @throws NullPointerException if text is null
     * @throws IllegalStateException if a symbol has no id and the tokenizer.json names no unknown token
     *                               (cannot happen with a merges file)
     */
    public List<Integer> tokenize(String text) {
        return Arrays.stream(tokenIds(text)).boxed().toList();
    }

    /**
     * {@code <|startoftext|>}, the text's tokens and {@code <|endoftext|>}, truncated like the reference's
     * {@code tokenize(..., truncate=True)}: at most contextLength ids, with {@code <|endoftext|>} kept last.
     * Not padded.
     *
     * @param text          any text, never null
     * @param contextLength the model's context length (77 for OpenAI's CLIP models), at least 2
     * @return a new array of between 2 and contextLength ids
     * @throws NullPointerException     if text is null
     * @throws IllegalArgumentException if contextLength is below 2
     */
    public int[] encode(String text, int contextLength) {
        if (contextLength < 2) {
            throw new IllegalArgumentException("contextLength must be at least 2 (start and end token), got "
                    + contextLength);
        }
        int[] tokens = tokenIds(text);
        int kept = Math.min(tokens.length, contextLength - 2);
        int[] ids = new int[kept + 2];
        ids[0] = startOfText;
        System.arraycopy(tokens, 0, ids, 1, kept);
        ids[kept + 1] = endOfText;
        return ids;
    }

    /** @return the id of {@code <|startoftext|>} (49406 for OpenAI's vocabulary) */
    public int startOfText() {
        return startOfText;
    }

    /** @return the id of {@code <|endoftext|>} (49407 for OpenAI's vocabulary) */
    public int endOfText() {
        return endOfText;
    }

    /** @return one more than the largest id, i.e. the size of the model's embedding table (49408 for OpenAI's) */
    public int vocabSize() {
        return vocabSize;
    }

    /** Symbol to id, special tokens included; for tests that write a tokenizer.json from a merges file. */
    Map<String, Integer> vocabulary() {
        return vocabulary;
    }

    /** Merges as {@code "a b"} strings in rank order. */
    List<String> mergeRules() {
        return mergeRules;
    }

    private int[] tokenIds(String text) {
        Objects.requireNonNull(text, "text");
        String cleaned = ClipTextCleaner.clean(text);
        int[] ids = new int[Math.max(8, cleaned.length())];
        int size = 0;
        Matcher m = PIECE.matcher(cleaned);
        while (m.find()) {
            int[] piece = encodePiece(m.group());
            if (size + piece.length > ids.length) {
                ids = Arrays.copyOf(ids, Math.max(ids.length * 2, size + piece.length));
            }
            System.arraycopy(piece, 0, ids, size, piece.length);
            size += piece.length;
        }
        return Arrays.copyOf(ids, size);
    }

    private int[] encodePiece(String piece) {
        // The reference seeds its cache with the two special tokens, so they bypass BPE.
        if (piece.equals(START_OF_TEXT)) {
            return new int[] {startOfText};
        }
        if (piece.equals(END_OF_TEXT)) {
            return new int[] {endOfText};
        }
        int[] cached = cache.get(piece);
        if (cached != null) {
            return cached;
        }
        List<String> symbols = bpe(piece);
        int[] ids = new int[symbols.size()];
        for (int i = 0; i < ids.length; i++) {
            Integer id = vocabulary.get(symbols.get(i));
            if (id == null) {
                if (unknown < 0) {
                    throw new IllegalStateException("BPE symbol '" + symbols.get(i) + "' of '" + piece
                            + "' is not in the vocabulary and the tokenizer has no unknown token");
                }
                id = unknown;
            }
            ids[i] = id;
        }
        // Dropping everything when full is crude but lock-free; hot words come back within a few requests.
        if (cache.size() >= cacheCapacity) {
            cache.clear();
        }
        cache.put(piece, ids);
        return ids;
    }

    /** Merges the piece's byte symbols as the reference does: lowest rank first, all its occurrences at once. */
    private List<String> bpe(String piece) {
        byte[] bytes = piece.getBytes(StandardCharsets.UTF_8);
        List<String> word = new ArrayList<>(bytes.length);
        for (byte b : bytes) {
            word.add(String.valueOf(BYTE_TO_CHAR[b & 0xFF]));
        }
        int last = word.size() - 1;
        word.set(last, word.get(last) + endOfWord);
        while (word.size() > 1) {
            Pair best = null;
            int bestRank = Integer.MAX_VALUE;
            for (int i = 0; i + 1 < word.size(); i++) {
                Pair pair = new Pair(word.get(i), word.get(i + 1));
                Integer rank = ranks.get(pair);
                if (rank != null && rank < bestRank) {
                    bestRank = rank;
                    best = pair;
                }
            }
            if (best == null) {
                break;
            }
            List<String> merged = new ArrayList<>(word.size());
            for (int i = 0; i < word.size(); i++) {
                if (i + 1 < word.size() && word.get(i).equals(best.first()) && word.get(i + 1).equals(best.second())) {
                    merged.add(best.first() + best.second());
                    i++;
                } else {
                    merged.add(word.get(i));
                }
            }
            word = merged;
        }
        return word;
    }

    private static String readText(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length >= 2 && (bytes[0] & 0xFF) == 0x1F && (bytes[1] & 0xFF) == 0x8B) {
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
                bytes = in.readAllBytes();
            } catch (IOException e) {
                throw new IOException("Cannot decompress tokenizer file " + file + ": " + e.getMessage(), e);
            }
        }
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
            // Editors on Windows like to start UTF-8 files with a byte-order mark.
            return text.startsWith("\uFEFF") ? text.substring(1) : text;
        } catch (CharacterCodingException e) {
            throw new IOException("Tokenizer file " + file + " is not UTF-8 text: " + e.getMessage(), e);
        }
    }

    /**
     * A tokenizer without merges, in OpenAI's id layout: every byte of a word is a token. Only for
     * timing towers with random weights, where which ids a text gets does not matter.
     */
    public static ClipTokenizer bytesOnly() {
        try {
            return fromMerges(Path.of("(no merges)"), "#version: 0.2", DEFAULT_CACHE_CAPACITY);
        } catch (IOException e) {
            throw new IllegalStateException(e); // a header alone always parses
        }
    }

    private static ClipTokenizer fromMerges(Path file, String text, int cacheCapacity) throws IOException {
        if (text.isBlank()) {
            throw new IOException("Merges file " + file + " is empty");
        }
        List<Pair> merges = mergeLines(file, text);
        Map<String, Integer> vocabulary = new HashMap<>();
        int id = 0;
        for (char c : BYTE_CHARS_IN_ORDER) {
            vocabulary.put(String.valueOf(c), id++);
        }
        for (char c : BYTE_CHARS_IN_ORDER) {
            vocabulary.put(c + END_OF_WORD, id++);
        }
        for (Pair merge : merges) {
            // Like the reference's dict, a symbol produced by two merges keeps the later id.
            vocabulary.put(merge.first() + merge.second(), id++);
        }
        int startOfText = id++;
        int endOfText = id;
        vocabulary.put(START_OF_TEXT, startOfText);
        vocabulary.put(END_OF_TEXT, endOfText);
        return new ClipTokenizer(vocabulary, merges, END_OF_WORD, startOfText, endOfText, -1, cacheCapacity);
    }

    /**
     * The merges of a merges file as both the reference and transformers read it: the first line is a
     * header, then at most {@link #MAX_MERGES} lines, blank ones skipped.
     */
    private static List<Pair> mergeLines(Path file, String text) throws IOException {
        String[] lines = text.split("\n", -1);
        List<Pair> merges = new ArrayList<>();
        for (int i = 1; i < lines.length && i <= MAX_MERGES; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] parts = line.split("\\s+");
            if (parts.length != 2) {
                throw new IOException("Merges file " + file + " line " + (i + 1)
                        + ": expected two symbols separated by a space, got '" + line + "'");
            }
            merges.add(new Pair(parts[0], parts[1]));
        }
        return merges;
    }

    /** The 1-based line number of each merge {@link #mergeLines} returns, for messages. */
    private static List<Integer> mergeLineNumbers(String text) {
        String[] lines = text.split("\n", -1);
        List<Integer> numbers = new ArrayList<>();
        for (int i = 1; i < lines.length && i <= MAX_MERGES; i++) {
            if (!lines[i].isBlank()) {
                numbers.add(i + 1);
            }
        }
        return numbers;
    }

    private static ClipTokenizer fromTokenizerJson(Path file, String text, int cacheCapacity) throws IOException {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(text);
        } catch (JsonProcessingException e) {
            throw new IOException("Tokenizer file " + file + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
        JsonNode model = root == null ? null : root.get("model");
        if (model == null || !model.isObject()) {
            throw new IOException("Tokenizer file " + file + " has no \"model\" object");
        }
        JsonNode type = model.get("type");
        if (type != null && !"BPE".equals(type.asText())) {
            throw new IOException("Tokenizer file " + file + " has model.type " + type + ", expected \"BPE\"");
        }
        JsonNode vocabNode = model.get("vocab");
        if (vocabNode == null || !vocabNode.isObject()) {
            throw new IOException("Tokenizer file " + file + " has no model.vocab object");
        }
        Map<String, Integer> vocabulary = new HashMap<>();
        for (Map.Entry<String, JsonNode> entry : vocabNode.properties()) {
            vocabulary.put(entry.getKey(), requireId(file, entry.getValue(), "model.vocab[\"" + entry.getKey() + "\"]"));
        }
        JsonNode mergesNode = model.get("merges");
        if (mergesNode == null || !mergesNode.isArray()) {
            throw new IOException("Tokenizer file " + file + " has no model.merges array");
        }
        List<Pair> merges = new ArrayList<>(mergesNode.size());
        for (int i = 0; i < mergesNode.size(); i++) {
            merges.add(parseMerge(file, mergesNode.get(i), i));
        }
        JsonNode suffix = model.get("end_of_word_suffix");
        // HuggingFace's own default is no suffix; CLIP's files always say "</w>".
        String endOfWord = suffix == null || suffix.isNull() ? "" : suffix.asText();

        Map<String, Integer> special = new HashMap<>(vocabulary);
        JsonNode added = root.get("added_tokens");
        if (added != null && added.isArray()) {
            for (JsonNode token : added) {
                JsonNode content = token.get("content");
                if (content != null && content.isTextual()) {
                    special.put(content.asText(), requireId(file, token.get("id"), "added_tokens id of " + content));
                }
            }
        }
        int startOfText = requireToken(file, special, START_OF_TEXT);
        int endOfText = requireToken(file, special, END_OF_TEXT);
        vocabulary.putIfAbsent(START_OF_TEXT, startOfText);
        vocabulary.putIfAbsent(END_OF_TEXT, endOfText);
        JsonNode unkNode = model.get("unk_token");
        int unknown = -1;
        if (unkNode != null && unkNode.isTextual()) {
            unknown = requireToken(file, special, unkNode.asText());
        }
        return new ClipTokenizer(vocabulary, merges, endOfWord, startOfText, endOfText, unknown, cacheCapacity);
    }

    private static Pair parseMerge(Path file, JsonNode merge, int index) throws IOException {
        if (merge.isTextual()) {
            String[] parts = merge.asText().split(" ");
            if (parts.length == 2 && !parts[0].isEmpty() && !parts[1].isEmpty()) {
                return new Pair(parts[0], parts[1]);
            }
        } else if (merge.isArray() && merge.size() == 2 && merge.get(0).isTextual() && merge.get(1).isTextual()) {
            return new Pair(merge.get(0).asText(), merge.get(1).asText());
        }
        throw new IOException("Tokenizer file " + file + " model.merges[" + index
                + "]: expected \"a b\" or [\"a\", \"b\"], got " + merge);
    }

    private static int requireId(Path file, JsonNode id, String what) throws IOException {
        if (id == null || !id.canConvertToInt() || !id.isIntegralNumber() || id.asInt() < 0) {
            throw new IOException("Tokenizer file " + file + ": " + what + " must be a non-negative integer id, got " + id);
        }
        return id.asInt();
    }

    private static int requireToken(Path file, Map<String, Integer> special, String token) throws IOException {
        Integer id = special.get(token);
        if (id == null) {
            throw new IOException("Tokenizer file " + file + " defines no id for " + token
                    + " in added_tokens or model.vocab");
        }
        return id;
    }
}
