package dev.lookalike.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks the tokenizer against ids produced by OpenAI's reference tokenizer (golden data in the
 * shared folder next to the repository, or where the {@code lookalike.shared} system property points;
 * those tests are skipped when it is absent) and against a tiny merges file whose ids are worked out
 * by hand.
 */
class ClipTokenizerTest {

    /** Header plus four merges: ids 512 "he", 513 "ll", 514 "hell", 515 "hello</w>"; sot 516, eot 517. */
    private static final String TINY_MERGES = "#version: 0.2\nh e\nl l\nhe ll\nhell o</w>\n";
    private static final int HELLO = 515;
    private static final int SOT = 516;
    private static final int EOT = 517;

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    // ---- tiny vocabulary: ids worked out from the byte order of the reference ----
    // Printable bytes '!'..'~' have ids 0..93 (byte - 33), the same symbol with </w> adds 256.

    @Test
    void tinyVocabularySizesAndSpecialTokens() throws IOException {
        ClipTokenizer tok = tiny();
        assertEquals(SOT, tok.startOfText());
        assertEquals(EOT, tok.endOfText());
        assertEquals(518, tok.vocabSize());
    }

    @Test
    void mergesByRank() throws IOException {
        ClipTokenizer tok = tiny();
        assertEquals(List.of(HELLO), tok.tokenize("hello"));
        // "hell" ends in "l</w>", so only "h e" applies: he, l (75), l</w> (331).
        assertEquals(List.of(512, 75, 331), tok.tokenize("hell"));
        // w o r l d</w>: no merge applies ('l' alone).
        assertEquals(List.of(HELLO, 86, 78, 81, 75, 323), tok.tokenize("Hello  WORLD"));
    }

    @Test
    void punctuationDigitsAndApostrophes() throws IOException {
        ClipTokenizer tok = tiny();
        assertEquals(List.of(HELLO, 267, HELLO, 256), tok.tokenize("hello, hello!"));
        // Every digit is its own piece: h</w> 3</w> 1</w> 1</w> 0</w>.
        assertEquals(List.of(327, 274, 272, 272, 271), tok.tokenize("h3110"));
        // "it" + "'s": i, t</w>, ', s</w>.
        assertEquals(List.of(72, 339, 6, 338), tok.tokenize("it's"));
        assertEquals(List.of(72, 339, 6, 338), tok.tokenize("IT'S"));
        assertEquals(List.of(72, 339, 6, 338), tok.tokenize("it\u2019s"), "curly apostrophe is straightened");
        // A run of punctuation is one piece: "?!" -> ?, !</w>.
        assertEquals(List.of(30, 256), tok.tokenize("?!"));
    }

    @Test
    void cleansHtmlWhitespaceAndLigatures() throws IOException {
        ClipTokenizer tok = tiny();
        assertEquals(List.of(261), tok.tokenize("&amp;"));
        assertEquals(List.of(261), tok.tokenize("&amp;amp;"), "double escaping is undone");
        assertEquals(List.of(283, HELLO, 285), tok.tokenize("&lt;hello&gt;"));
        assertEquals(List.of(HELLO, 261, HELLO), tok.tokenize("hello &#38; hello"));
        assertEquals(List.of(HELLO, HELLO), tok.tokenize("  hello \t\n  hello\u00a0 "));
        assertEquals(List.of(HELLO, HELLO), tok.tokenize("hello&nbsp;hello"));
        assertEquals(List.of(69, 328), tok.tokenize("\uFB01"), "the fi ligature is split");
        assertEquals(List.of(HELLO), tok.tokenize("\uFF48\uFF45\uFF4C\uFF4C\uFF4F"), "full-width letters");
    }

    @Test
    void reproducesReferenceQuirks() throws IOException {
        ClipTokenizer tok = tiny();
        // ftfy: C1 controls are Windows-1252 curly quotes, which are then straightened.
        assertEquals(List.of(262, HELLO, 262), tok.tokenize("\u0091hello\u0092"));
        assertEquals(List.of(HELLO), tok.tokenize("\u001B[31mhello\u001B[0m"), "ANSI colour codes go");
        // ftfy decodes entities to a fixed point, but not from the first line that contains '<' on;
        // the reference's own two html.unescape passes then leave one level: & amp ;
        assertEquals(List.of(261), tok.tokenize("&amp;amp;amp;"));
        assertEquals(List.of(283, 261, 64, 76, 335, 282), tok.tokenize("< &amp;amp;amp;"));
        assertEquals(List.of(261, 283), tok.tokenize("&amp;amp;amp;\n<"));
        // Python's final-sigma rule (σ = CF 83, ς = CF 82), not Java's word-boundary one.
        assertEquals(List.of(139, 481), tok.tokenize("\u03A3"));
        assertEquals(List.of(87, 139, 480), tok.tokenize("X\u03A3"));
        assertEquals(List.of(87, 139, 480, 273, 320), tok.tokenize("X\u03A32A"));
        // U+0345 matches no alternative of the reference's case-insensitive pattern: dropped, splitting the word.
        assertEquals(List.of(320, 321), tok.tokenize("a\u0345b"));
    }

    @Test
    void nonAsciiFallsBackToByteSymbols() throws IOException {
        ClipTokenizer tok = tiny();
        // é = C3 A9: Ã (127), ©</w> (358).
        assertEquals(List.of(127, 358), tok.tokenize("é"));
        // e + combining acute is normalised to é first.
        assertEquals(List.of(127, 358), tok.tokenize("e\u0301"));
        // 🛁 = F0 9F 9B 81; the last three are shifted control-range bytes.
        assertEquals(List.of(172, 253, 249, 479), tok.tokenize("\uD83D\uDEC1"));
    }

    @Test
    void emptyTextAndSpecialTokens() throws IOException {
        ClipTokenizer tok = tiny();
        assertEquals(List.of(), tok.tokenize(""));
        assertArrayEquals(new int[] {SOT, EOT}, tok.encode("", 77));
        assertArrayEquals(new int[] {SOT, EOT}, tok.encode(" \t\n ", 77));
        assertEquals(List.of(EOT), tok.tokenize("<|endoftext|>"));
        assertEquals(List.of(HELLO, SOT), tok.tokenize("hello<|startoftext|>"));
        assertArrayEquals(new int[] {SOT, HELLO, EOT}, tok.encode("hello", 77));
    }

    @Test
    void encodeTruncatesKeepingEndToken() throws IOException {
        ClipTokenizer tok = tiny();
        assertArrayEquals(new int[] {SOT, HELLO, EOT}, tok.encode("hello hello hello", 3));
        assertArrayEquals(new int[] {SOT, HELLO, 86, EOT}, tok.encode("hello world", 4));
        assertArrayEquals(new int[] {SOT, EOT}, tok.encode("hello", 2));
        assertThrows(IllegalArgumentException.class, () -> tok.encode("hello", 1));
        assertThrows(NullPointerException.class, () -> tok.tokenize(null));
    }

    @Test
    void readsGzippedMergesFile() throws IOException {
        Path gz = tmp.resolve("tiny.txt.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(TINY_MERGES.getBytes(StandardCharsets.UTF_8));
        }
        ClipTokenizer tok = ClipTokenizer.load(gz);
        assertEquals(518, tok.vocabSize());
        assertEquals(List.of(HELLO, 267), tok.tokenize("hello,"));
    }

    @Test
    void rejectsMalformedFiles() throws IOException {
        Path badLine = Files.writeString(tmp.resolve("bad.txt"), "#version: 0.2\nh e\nfoo bar baz\n");
        IOException e = assertThrows(IOException.class, () -> ClipTokenizer.load(badLine));
        assertTrue(e.getMessage().contains("line 3"), e.getMessage());

        Path empty = Files.writeString(tmp.resolve("empty.txt"), "");
        assertThrows(IOException.class, () -> ClipTokenizer.load(empty));

        Path binary = Files.write(tmp.resolve("binary.txt"), new byte[] {'#', '\n', (byte) 0xFF, (byte) 0xFE, ' ', 'a'});
        assertThrows(IOException.class, () -> ClipTokenizer.load(binary));

        Path notJson = Files.writeString(tmp.resolve("tokenizer.json"), "{ \"model\": ");
        assertThrows(IOException.class, () -> ClipTokenizer.load(notJson));

        Path noModel = Files.writeString(tmp.resolve("no-model.json"), "{\"added_tokens\": []}");
        assertThrows(IOException.class, () -> ClipTokenizer.load(noModel));

        Path badMerge = Files.writeString(tmp.resolve("bad-merge.json"),
                "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"<|startoftext|>\": 0, \"<|endoftext|>\": 1},"
                        + " \"merges\": [\"a b c\"]}}");
        e = assertThrows(IOException.class, () -> ClipTokenizer.load(badMerge));
        assertTrue(e.getMessage().contains("merges[0]"), e.getMessage());

        Path noSpecial = Files.writeString(tmp.resolve("no-special.json"),
                "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}, \"merges\": []}}");
        e = assertThrows(IOException.class, () -> ClipTokenizer.load(noSpecial));
        assertTrue(e.getMessage().contains("<|startoftext|>"), e.getMessage());
    }

    @Test
    void tokenizerJsonEqualsMergesFileInBothMergeSyntaxes() throws IOException {
        ClipTokenizer merges = tiny();
        List<String> samples = List.of("hello", "Hello, WORLD!", "it's 42", "&amp; é \uD83D\uDEC1", "", "hell o");
        for (boolean pairs : new boolean[] {false, true}) {
            ClipTokenizer json = ClipTokenizer.load(writeTokenizerJson(merges, pairs, "tiny" + pairs + ".json"));
            assertEquals(merges.startOfText(), json.startOfText());
            assertEquals(merges.endOfText(), json.endOfText());
            assertEquals(merges.vocabSize(), json.vocabSize());
            for (String s : samples) {
                assertArrayEquals(merges.encode(s, 77), json.encode(s, 77), "pairs=" + pairs + " text=" + s);
            }
        }
    }

    @Test
    void tokenizerJsonIdsAreTakenFromTheFile() throws IOException {
        // Ids unrelated to the byte order, no "o" symbol at all, and an unknown token.
        String json = """
                {
                  "added_tokens": [
                    {"id": 9, "content": "<|startoftext|>", "special": true},
                    {"id": 10, "content": "<|endoftext|>", "special": true}
                  ],
                  "model": {
                    "type": "BPE",
                    "vocab": {"h": 0, "e": 1, "l": 2, "o</w>": 3, "he": 4, "ll": 5, "hell": 6, "hello</w>": 7, "l</w>": 8},
                    "merges": [["h", "e"], "l l", ["he", "ll"], "hell o</w>"],
                    "end_of_word_suffix": "</w>",
                    "unk_token": "<|endoftext|>"
                  }
                }
                """;
        // No .json suffix: detected by content.
        ClipTokenizer tok = ClipTokenizer.load(Files.writeString(tmp.resolve("tokenizer"), json));
        assertEquals(9, tok.startOfText());
        assertEquals(10, tok.endOfText());
        assertEquals(11, tok.vocabSize());
        assertEquals(List.of(7), tok.tokenize("hello"));
        assertEquals(List.of(4, 2, 8), tok.tokenize("hell"));
        assertEquals(List.of(10, 10), tok.tokenize("xy"), "symbols missing from the vocabulary become unk");
    }

    @Test
    void concurrentEncodingMatchesSingleThreaded() throws Exception {
        // A cache of 4 pieces forces constant eviction while 8 threads share the tokenizer.
        Path file = Files.writeString(tmp.resolve("tiny.txt"), TINY_MERGES);
        ClipTokenizer tok = ClipTokenizer.load(file, 4);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            texts.add("hello world " + i + " hell" + "o".repeat(i % 5) + " café \uD83D\uDEC1 it's #" + (i % 7));
        }
        texts.add("hello");
        assertSameAcrossThreads(tok, texts);
    }

    // ---- OpenAI's real vocabulary and the reference's ids ----

    @Test
    void realVocabularyMatchesReferenceIds() throws IOException {
        ClipTokenizer tok = real();
        assertEquals(49406, tok.startOfText());
        assertEquals(49407, tok.endOfText());
        assertEquals(49408, tok.vocabSize());
        JsonNode golden = golden();
        assertEquals(tok.startOfText(), golden.get("sot").asInt());
        assertEquals(tok.endOfText(), golden.get("eot").asInt());
        assertGolden(tok, golden);
    }

    @Test
    void realTokenizerJsonMatchesReferenceIds() throws IOException {
        ClipTokenizer merges = real();
        JsonNode golden = golden();
        for (boolean pairs : new boolean[] {false, true}) {
            ClipTokenizer json = ClipTokenizer.load(writeTokenizerJson(merges, pairs, "clip" + pairs + ".json"));
            assertEquals(49406, json.startOfText());
            assertEquals(49407, json.endOfText());
            assertEquals(49408, json.vocabSize());
            assertGolden(json, golden);
        }
    }

    @Test
    void realVocabularyTruncatesLongText() throws IOException {
        ClipTokenizer tok = real();
        String text = String.join(" ", java.util.Collections.nCopies(200, "faucet"));
        List<Integer> tokens = tok.tokenize(text);
        assertEquals(200, tokens.size());
        int[] ids = tok.encode(text, 77);
        assertEquals(77, ids.length);
        assertEquals(49406, ids[0]);
        assertEquals(49407, ids[76]);
        for (int i = 1; i < 76; i++) {
            assertEquals(tokens.get(i - 1), ids[i]);
        }
    }

    @Test
    void realVocabularyConcurrentEncoding() throws Exception {
        ClipTokenizer tok = real();
        List<String> texts = new ArrayList<>();
        for (JsonNode c : golden().get("cases")) {
            texts.add(c.get("text").asText());
        }
        assertSameAcrossThreads(tok, texts);
    }

    // ---- Hugging Face's vocab.json + merges.txt, converted from OpenAI's file as HF laid them out ----

    @Test
    void hfFilesFromTheTinyVocabularyMatchPyTorchIds() throws IOException {
        Path openAi = Fixtures.model("tiny-clip").resolve("bpe_tiny_vocab.txt.gz");
        Path[] hf = writeHfFiles(openAi, "tiny");
        ClipTokenizer tok = ClipTokenizer.load(hf[0], hf[1]);
        JsonNode vocabulary = Fixtures.GOLDEN.get("vocabulary");
        assertEquals(vocabulary.get("vocab_size").asInt(), tok.vocabSize());
        assertEquals(vocabulary.get("sot").asInt(), tok.startOfText());
        assertEquals(vocabulary.get("eot").asInt(), tok.endOfText());
        int contextLength = Fixtures.GOLDEN.get("context_length").asInt();
        JsonNode texts = Fixtures.GOLDEN.get("fixtures").get("tiny-clip").get("texts");
        assertTrue(texts.size() > 0);
        for (JsonNode t : texts) {
            int[] ids = JSON.convertValue(t.get("ids"), int[].class);
            int[] encoded = tok.encode(t.get("text").asText(), contextLength);
            assertArrayEquals(ids, Arrays.copyOf(encoded, ids.length), t.get("text").asText());
        }
        ClipTokenizer openAiTok = ClipTokenizer.load(openAi);
        for (String text : List.of("Hello, WORLD!", "it's 42", "&amp; é \uD83D\uDEC1", "")) {
            assertArrayEquals(openAiTok.encode(text, 77), tok.encode(text, 77), text);
        }
    }

    @Test
    void realHfFilesMatchReferenceIds() throws IOException {
        Path openAi = clipDir().resolve("bpe_simple_vocab_16e6.txt.gz");
        if (!Files.isRegularFile(openAi)) {
            System.out.println("ClipTokenizerTest: skipped, OpenAI's CLIP vocabulary not found at " + openAi);
        }
        assumeTrue(Files.isRegularFile(openAi), "OpenAI's CLIP vocabulary not found at " + openAi);
        Path[] hf = writeHfFiles(openAi, "clip");
        // the facts of openai/clip-vit-base-patch32's files
        assertEquals(49408, JSON.readTree(hf[0].toFile()).size());
        List<String> mergeLines = Files.readAllLines(hf[1]);
        assertEquals("#version: 0.2", mergeLines.get(0));
        assertEquals(48894 + 1, mergeLines.size());
        ClipTokenizer tok = ClipTokenizer.load(hf[0], hf[1]);
        assertEquals(49406, tok.startOfText());
        assertEquals(49407, tok.endOfText());
        assertEquals(49408, tok.vocabSize());
        JsonNode golden = golden();
        assertGolden(tok, golden);
    }

    @Test
    void hfFilesRejectMalformedInputNamingTheFile() throws IOException {
        Path[] hf = writeHfFiles(Fixtures.model("tiny-clip").resolve("bpe_tiny_vocab.txt.gz"), "ok");
        Path vocab = hf[0];
        Path merges = hf[1];

        Path badJson = Files.writeString(tmp.resolve("bad-vocab.json"), "{\"a\": 0,");
        IOException e = assertThrows(IOException.class, () -> ClipTokenizer.load(badJson, merges));
        assertTrue(e.getMessage().contains(badJson.toString()) && e.getMessage().contains("not valid JSON"), e.getMessage());

        Path notObject = Files.writeString(tmp.resolve("array-vocab.json"), "[\"a\", \"b\"]");
        e = assertThrows(IOException.class, () -> ClipTokenizer.load(notObject, merges));
        assertTrue(e.getMessage().contains(notObject.toString()) && e.getMessage().contains("not a JSON object"),
                e.getMessage());

        Path badId = Files.writeString(tmp.resolve("bad-id.json"), "{\"a\": \"zero\"}");
        e = assertThrows(IOException.class, () -> ClipTokenizer.load(badId, merges));
        assertTrue(e.getMessage().contains(badId.toString()) && e.getMessage().contains("\"a\""), e.getMessage());

        Path threeTokens = Files.writeString(tmp.resolve("three.txt"), "#version: 0.2\nh e\nfoo bar baz\n");
        e = assertThrows(IOException.class, () -> ClipTokenizer.load(vocab, threeTokens));
        assertTrue(e.getMessage().contains(threeTokens.toString()) && e.getMessage().contains("line 3"), e.getMessage());

        Path oneToken = Files.writeString(tmp.resolve("one.txt"), "#version: 0.2\nhe\n");
        e = assertThrows(IOException.class, () -> ClipTokenizer.load(vocab, oneToken));
        assertTrue(e.getMessage().contains(oneToken.toString()) && e.getMessage().contains("line 2"), e.getMessage());

        Path unknownResult = Files.writeString(tmp.resolve("unknown.txt"), "#version: 0.2\nh e\nq z\n");
        Map<String, Integer> noQz = new LinkedHashMap<>(JSON.readValue(vocab.toFile(),
                new com.fasterxml.jackson.core.type.TypeReference<Map<String, Integer>>() {}));
        noQz.remove("qz");
        noQz.remove("he");
        Path smallVocab = tmp.resolve("small-vocab.json");
        JSON.writeValue(smallVocab.toFile(), noQz);
        e = assertThrows(IOException.class, () -> ClipTokenizer.load(smallVocab, unknownResult));
        assertTrue(e.getMessage().contains(unknownResult.toString()) && e.getMessage().contains(smallVocab.toString())
                && e.getMessage().contains("line 2") && e.getMessage().contains("'he'"), e.getMessage());

        Map<String, Integer> noStart = new LinkedHashMap<>(noQz);
        noStart.put("he", 0);
        noStart.remove("<|startoftext|>");
        Path noStartVocab = tmp.resolve("no-start.json");
        JSON.writeValue(noStartVocab.toFile(), noStart);
        Path fine = Files.writeString(tmp.resolve("fine.txt"), "#version: 0.2\nh e\n");
        e = assertThrows(IOException.class, () -> ClipTokenizer.load(noStartVocab, fine));
        assertTrue(e.getMessage().contains(noStartVocab.toString()) && e.getMessage().contains("<|startoftext|>"),
                e.getMessage());

        Path missing = tmp.resolve("missing.json");
        assertThrows(IOException.class, () -> ClipTokenizer.load(missing, merges));
    }

    // ---- helpers ----

    /**
     * OpenAI's merges file rewritten as Hugging Face's CLIPTokenizer files: {@code vocab.json}, one JSON object
     * of token to id in id order (256 byte symbols in bytes_to_unicode order, the same with {@code </w>}, one
     * per merge, then the two special tokens), and {@code merges.txt}, {@code #version: 0.2} then the first
     * 48,894 merges. Built here from the bytes-to-unicode rule, independently of the tokenizer under test.
     */
    private Path[] writeHfFiles(Path openAiMerges, String prefix) throws IOException {
        String text;
        try (java.io.InputStream in = new java.util.zip.GZIPInputStream(Files.newInputStream(openAiMerges))) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String[] lines = text.strip().split("\n");
        List<String> merges = new ArrayList<>();
        for (int i = 1; i < lines.length && merges.size() < 48_894; i++) {
            merges.add(lines[i]);
        }
        List<String> bytes = new ArrayList<>();
        List<Integer> shifted = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            if (printable) {
                bytes.add(String.valueOf((char) b));
            } else {
                shifted.add(b);
            }
        }
        for (int i = 0; i < shifted.size(); i++) {
            bytes.add(String.valueOf((char) (256 + i)));
        }
        List<String> tokens = new ArrayList<>(bytes);
        bytes.forEach(b -> tokens.add(b + "</w>"));
        merges.forEach(m -> tokens.add(m.replace(" ", "")));
        tokens.add("<|startoftext|>");
        tokens.add("<|endoftext|>");
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (int id = 0; id < tokens.size(); id++) {
            vocab.put(tokens.get(id), id); // ids are positions; a repeated token keeps the later one
        }
        Path vocabJson = Files.createDirectories(tmp.resolve(prefix)).resolve("vocab.json");
        Files.writeString(vocabJson, JSON.writeValueAsString(vocab));
        Path mergesTxt = tmp.resolve(prefix).resolve("merges.txt");
        Files.writeString(mergesTxt, "#version: 0.2\n" + String.join("\n", merges) + "\n");
        return new Path[] {vocabJson, mergesTxt};
    }

    private ClipTokenizer tiny() throws IOException {
        return ClipTokenizer.load(Files.writeString(tmp.resolve("tiny-merges.txt"), TINY_MERGES));
    }

    /** The shared folder: {@code -Dlookalike.shared=DIR}, else {@code ../shared} next to the project. */
    private static Path clipDir() {
        String override = System.getProperty("lookalike.shared");
        Path shared = override != null && !override.isBlank()
                ? Path.of(override)
                : Path.of("").toAbsolutePath().getParent().resolve("shared");
        return shared.resolve("clip");
    }

    private static ClipTokenizer realTokenizer;

    private static synchronized ClipTokenizer real() throws IOException {
        Path vocab = clipDir().resolve("bpe_simple_vocab_16e6.txt.gz");
        assumeTrue(Files.isRegularFile(vocab), "OpenAI's CLIP vocabulary not found at " + vocab);
        if (realTokenizer == null) {
            realTokenizer = ClipTokenizer.load(vocab);
        }
        return realTokenizer;
    }

    private static JsonNode golden() throws IOException {
        Path file = clipDir().resolve("tokenizer-golden.json");
        assumeTrue(Files.isRegularFile(file), "golden tokenizer ids not found at " + file);
        return JSON.readTree(file.toFile());
    }

    private static void assertGolden(ClipTokenizer tok, JsonNode golden) {
        int contextLength = golden.get("context_length").asInt();
        JsonNode cases = golden.get("cases");
        assertTrue(cases.size() > 0);
        for (JsonNode c : cases) {
            String text = c.get("text").asText();
            int[] expected = new int[c.get("ids").size()];
            for (int i = 0; i < expected.length; i++) {
                expected[i] = c.get("ids").get(i).asInt();
            }
            assertArrayEquals(expected, tok.encode(text, contextLength), text);
            int[] inner = Arrays.copyOfRange(expected, 1, expected.length - 1);
            assertEquals(Arrays.stream(inner).boxed().toList(), tok.tokenize(text), text);
        }
    }

    /** Writes the tokenizer's vocabulary as a HuggingFace tokenizer.json, merges as strings or pairs. */
    private Path writeTokenizerJson(ClipTokenizer from, boolean mergesAsPairs, String name) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        ArrayNode added = root.putArray("added_tokens");
        for (String special : List.of("<|startoftext|>", "<|endoftext|>")) {
            added.addObject().put("id", from.vocabulary().get(special)).put("content", special).put("special", true);
        }
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        ObjectNode vocab = model.putObject("vocab");
        Map<String, Integer> sorted = new LinkedHashMap<>();
        from.vocabulary().entrySet().stream()
                .sorted(Map.Entry.comparingByValue())
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        sorted.forEach(vocab::put);
        ArrayNode merges = model.putArray("merges");
        for (String rule : from.mergeRules()) {
            if (mergesAsPairs) {
                String[] parts = rule.split(" ");
                merges.addArray().add(parts[0]).add(parts[1]);
            } else {
                merges.add(rule);
            }
        }
        model.put("end_of_word_suffix", "</w>");
        model.put("unk_token", "<|endoftext|>");
        Path file = tmp.resolve(name);
        JSON.writeValue(file.toFile(), root);
        return file;
    }

    private static void assertSameAcrossThreads(ClipTokenizer tok, List<String> texts) throws Exception {
        List<int[]> expected = new ArrayList<>();
        for (String text : texts) {
            expected.add(tok.encode(text, 77));
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Void>> jobs = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int offset = t;
                jobs.add(() -> {
                    for (int round = 0; round < 50; round++) {
                        // Every thread walks the same list from a different start: same and different strings at once.
                        for (int k = 0; k < texts.size(); k++) {
                            int i = (k + offset * round) % texts.size();
                            assertArrayEquals(expected.get(i), tok.encode(texts.get(i), 77), texts.get(i));
                        }
                    }
                    return null;
                });
            }
            for (Future<Void> f : pool.invokeAll(jobs)) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
