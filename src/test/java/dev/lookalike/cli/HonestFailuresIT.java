package dev.lookalike.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Color;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Failures that used to be reported as success, crashes on help, and input that reached what it should not:
 * each driven through the packaged application, as a user types it.
 */
class HonestFailuresIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String MODEL = App.MODELS.resolve("colour-clip").toString();

    @TempDir
    Path work;

    static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void anUnreachableShopIsAFailureNotARobotsDisallow() throws Exception {
        int port = closedPort();
        App.Result r = App.run(work, "scrape", "http://127.0.0.1:" + port + "/", "--catalog", "s.db");
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains("cannot connect to 127.0.0.1:" + port + ": connection refused"), r.err());
        assertFalse(r.err().contains("disallowed by robots.txt"), r.err());
        assertEquals("failed", JSON.readTree(r.out()).get("outcome").asText(), r.out());

        App.Result dns = App.run(work, "scrape", "https://no-such-host.invalid/", "--catalog", "s.db");
        assertEquals(1, dns.exit(), dns.err());
        assertTrue(dns.err().contains("cannot resolve no-such-host.invalid"), dns.err());
        assertNotEquals("complete", JSON.readTree(dns.out()).get("outcome").asText());
    }

    @Test
    void robotsTxtServerErrorDisallowsForNowAndA404AllowsAllAndTheUserIsTold() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        int[] robotsStatus = {503};
        server.createContext("/", ex -> {
            String path = ex.getRequestURI().getPath();
            int status = path.equals("/robots.txt") ? robotsStatus[0] : path.equals("/") ? 200 : 404;
            byte[] body = status == 200 ? "<html><body><p>hello</p></body></html>".getBytes(StandardCharsets.UTF_8)
                    : new byte[0];
            ex.getResponseHeaders().add("Content-Type", "text/html");
            ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        try {
            String shop = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
            App.Result down = App.run(work, "scrape", shop, "--catalog", "a.db", "--delay-ms", "0");
            assertEquals(1, down.exit(), down.err());
            assertTrue(down.err().contains("HTTP 503") && down.err().contains("RFC 9309, 5xx"), down.err());
            assertTrue(down.err().contains("run scrape again later"), down.err());

            robotsStatus[0] = 404;
            App.Result open = App.run(work, "scrape", shop, "--catalog", "b.db", "--delay-ms", "0");
            assertEquals(0, open.exit(), open.err());
            assertTrue(open.err().contains("every page is allowed (RFC 9309, 4xx)"), open.err());
            assertEquals("complete", JSON.readTree(open.out()).get("outcome").asText());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void builtInRecipesAreFoundByNameFromAnyFolder() throws Exception {
        // offline the shop cannot be reached, but the recipe must be found: no "no such recipe file"
        for (String start : List.of("amazon", "scraper/amazon.yaml")) {
            App.Result r = App.run(work, "scrape", start, "--catalog", "r.db", "--max-pages", "1");
            assertFalse(r.err().contains("no such recipe file"), r.err());
            assertTrue(r.out().contains("\"shop\":\"www.amazon.com\""), r.out() + r.err());
        }
        App.Result missing = App.run(work, "scrape", "nope.yaml", "--catalog", "r.db");
        assertEquals(3, missing.exit());
        assertTrue(missing.err().contains("no such recipe file: nope.yaml"), missing.err());
    }

    @Test
    void onlyScrapeAndImportCreateACatalogue() throws Exception {
        Path missing = work.resolve("nowhere/missing.db");
        for (String[] args : List.of(new String[] {"embed", "--model", MODEL}, new String[] {"bake", "--out", "x.db"},
                new String[] {"search", "red", "--model", MODEL}, new String[] {"similar", "abc"})) {
            String[] full = concat(args, "--catalog", missing.toString());
            App.Result r = App.run(work, full);
            assertEquals(3, r.exit(), String.join(" ", full) + ": " + r.err());
            assertTrue(r.err().contains("catalogue " + missing + " does not exist"), r.err());
            assertFalse(Files.exists(missing.getParent()), String.join(" ", full) + " created " + missing.getParent());
        }
    }

    @Test
    void helpAndVersionPrintWithoutCrashingOrOpeningAPort() throws Exception {
        for (String flag : List.of("--help", "-h")) {
            App.Result r = App.run(work, flag);
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.out().contains("Usage: lookalike"), r.out());
            assertFalse(r.err().contains("Exception"), r.err());
        }
        App.Result version = App.run(work, "--version");
        assertEquals(0, version.exit(), version.err());
        assertTrue(version.out().contains("0.1.0"), version.out());
        App.Result subVersion = App.run(work, "search", "--version");
        assertTrue(subVersion.out().contains("0.1.0"), "search --version printed: " + subVersion.out());
        App.Result none = App.run(work);
        assertEquals(2, none.exit(), none.err());
        assertTrue(none.err().contains("Usage: lookalike"), none.err());

        // hold the default port where we can: help must not need it
        try (ServerSocket held = new ServerSocket()) {
            try {
                held.bind(new InetSocketAddress("0.0.0.0", 8080));
            } catch (java.net.BindException someoneElseHasIt) {
                // either way, help must succeed without binding
            }
            for (String command : List.of("serve", "demo")) {
                App.Result r = App.run(work, command, "--help");
                assertEquals(0, r.exit(), command + " --help: " + r.err());
                assertTrue(r.out().contains("Usage: lookalike " + command), r.out());
                assertTrue(r.out().contains("--host"), r.out());
            }
        }
        App.Result demoHelp = App.run(work, "demo", "--help");
        assertTrue(demoHelp.out().contains("catalog/demo.db"), demoHelp.out());
        assertFalse(demoHelp.out().contains("$LOOKALIKE_CATALOG or catalog/lookalike.db"), demoHelp.out());
        for (String command : List.of("scrape", "import", "bake", "bench-scrape")) {
            App.Result r = App.run(work, command, "--help");
            assertFalse(r.out().contains("--model"), command + " offers a --model that does nothing: " + r.out());
        }
    }

    @Test
    void theDocumentedDebugSwitchWorks() throws Exception {
        App.Result r = App.run(App.builder(work, List.of("-Dlookalike.debug=true"), "similar", "x", "--catalog",
                "missing.db"), work);
        assertEquals(3, r.exit(), r.err());
        assertFalse(r.err().contains("SRCFG"), r.err());
        assertTrue(r.err().contains("does not exist") && r.err().contains("\tat "), "message and stack trace: " + r.err());
    }

    @Test
    void importReadsOnlyPhotosInTheImportedFilesFolder() throws Exception {
        Path shop = Files.createDirectories(work.resolve("shop"));
        Files.createDirectories(shop.resolve("photos"));
        CommandLineIT.writePhoto(shop.resolve("photos/ok.png"), Color.RED, new Random(1));
        Path secret = work.resolve("secret.png");
        CommandLineIT.writePhoto(secret, Color.BLUE, new Random(2));
        Files.createSymbolicLink(shop.resolve("photos/link.png"), secret);
        Files.writeString(shop.resolve("shop.csv"), "url,name,images\n"
                + "https://s.test/1,One,photos/ok.png\n"
                + "https://s.test/2,Two,/etc/passwd\n"
                + "https://s.test/3,Three,../../../../etc/hostname\n"
                + "https://s.test/4,Four,../secret.png\n"
                + "https://s.test/5,Five,photos/link.png\n"
                + "https://s.test/6,Six,file://" + secret + "\n");
        Path db = work.resolve("c.db");
        App.Result r = App.run(work, "import", "--catalog", db.toString(), shop.resolve("shop.csv").toString());
        assertEquals(0, r.exit(), r.err());
        JsonNode s = JSON.readTree(r.out());
        assertEquals(1, s.get("images").asInt(), r.out());
        assertEquals(5, s.get("image_errors").asInt(), r.out());
        assertEquals(5, r.err().split("refused", -1).length - 1, r.err());
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db);
             var rs = c.createStatement().executeQuery("SELECT count(*) FROM images")) {
            assertEquals(1, rs.getInt(1), "only the photo inside the folder is stored");
        }
    }

    @Test
    void aBadRowInCsvOrJsonLinesIsReportedAndSkipped() throws Exception {
        Files.writeString(work.resolve("quote.csv"), "url,name\nhttps://s.test/1,One\n"
                + "https://s.test/2,\"Two never closed\nhttps://s.test/3,Three\n");
        App.Result csv = App.run(work, "import", "--catalog", "q.db", "quote.csv");
        assertEquals(0, csv.exit(), csv.err());
        assertEquals(2, JSON.readTree(csv.out()).get("products").asInt(), csv.out());
        assertTrue(csv.err().contains("quote.csv line 3"), csv.err());

        Files.writeString(work.resolve("shop.jsonl"), "{\"url\":\"https://s.test/1\",\"name\":\"One\"}\nnot json\n"
                + "{\"url\":\"https://s.test/2\",\"name\":\"Two\"}\n");
        App.Result jsonl = App.run(work, "import", "--catalog", "j.db", "shop.jsonl");
        assertEquals(0, jsonl.exit(), jsonl.err());
        assertEquals(2, JSON.readTree(jsonl.out()).get("products").asInt(), jsonl.out());
        assertTrue(jsonl.err().contains("shop.jsonl line 2: not JSON"), jsonl.err());

        Files.writeString(work.resolve("all-bad.jsonl"), "nope\nstill nope\n");
        App.Result allBad = App.run(work, "import", "--catalog", "b.db", "all-bad.jsonl");
        assertEquals(1, allBad.exit(), allBad.err());
        assertTrue(allBad.err().contains("nothing imported"), allBad.err());
    }

    @Test
    void messagesNameTheFileAndWhatToDo() throws Exception {
        Files.write(work.resolve("photo.jpg"), new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 16,
                (byte) 0xC3, (byte) 0x28, (byte) 0x80});
        App.Result photo = App.run(work, "import", "--catalog", "p.db", "photo.jpg");
        assertEquals(2, photo.exit(), photo.err());
        assertTrue(photo.err().contains("photo.jpg is not a text file") && photo.err().contains("CSV"), photo.err());
        assertFalse(photo.err().contains("MalformedInput"), photo.err());

        App.Result bench = App.run(work, "bench", "--images", "/nonexistent", "--model", MODEL);
        assertEquals(3, bench.exit(), bench.err());
        assertTrue(bench.err().contains("/nonexistent"), bench.err());
        assertFalse(bench.err().contains("NoSuchFileException"), bench.err());
    }

    @Test
    void bakeNamesTheOutputWhenItCannotBeWritten() throws Exception {
        Path live = work.resolve("imp.db");
        Files.writeString(work.resolve("one.csv"), "url,name\nhttps://s.test/1,One\n");
        assertEquals(0, App.run(work, "import", "--catalog", live.toString(), "one.csv").exit());
        Path out = work.resolve("no-such-folder/baked.db");
        App.Result r = App.run(work, "bake", "--catalog", live.toString(), "--out", out.toString());
        assertEquals(5, r.exit(), r.err());
        assertTrue(r.err().contains(out.toString()) && r.err().contains("does not exist"), r.err());
        assertFalse(r.err().contains("cannot open catalogue " + live), r.err());
    }

    @Test
    void readingCommandsWorkOnABakedReadOnlyCatalogue() throws Exception {
        Path photos = Files.createDirectories(work.resolve("photos"));
        CommandLineIT.writePhoto(photos.resolve("r.png"), Color.RED, new Random(3));
        CommandLineIT.writePhoto(photos.resolve("b.png"), Color.BLUE, new Random(4));
        Files.writeString(photos.resolve("broken.png"), "<html>not a photo</html>");
        Files.writeString(work.resolve("shop.csv"), "url,name,images\nhttps://s.test/r,Red,photos/r.png\n"
                + "https://s.test/b,Blue,photos/b.png\nhttps://s.test/x,Broken,photos/broken.png\n");
        Path live = work.resolve("live.db");
        assertEquals(0, App.run(work, "import", "--catalog", live.toString(), "shop.csv").exit());
        assertEquals(0, App.run(work, "embed", "--catalog", live.toString(), "--model", MODEL).exit());
        Path folder = Files.createDirectories(work.resolve("baked"));
        Path baked = folder.resolve("catalog.db");
        assertEquals(0, App.run(work, "bake", "--catalog", live.toString(), "--out", baked.toString()).exit());
        String id = JSON.readTree(App.run(work, "search", "red", "--catalog", live.toString(), "--model", MODEL)
                .lines().get(0)).get("id").asText();
        String broken = dev.lookalike.catalog.Product.idFor("https://s.test/x");
        App.Result unusable = App.run(work, "similar", broken, "--catalog", live.toString());
        assertEquals(1, unusable.exit(), unusable.err());
        assertTrue(unusable.err().contains("has no usable photo") && unusable.err().contains("broken.png"),
                unusable.err());
        assertFalse(unusable.err().contains("run embed\n"), unusable.err());
        assertTrue(baked.toFile().setReadOnly());
        assertTrue(folder.toFile().setWritable(false, false));
        String before = sha256(baked);
        try {
            for (String[] args : List.of(new String[] {"search", "blue", "--model", MODEL}, new String[] {"similar", id})) {
                ProcessBuilder pb = App.builder(work, concat(args, "--catalog", baked.toString()));
                pb.environment().put("LOOKALIKE_READ_ONLY", "true");
                App.Result r = App.run(pb, work);
                assertEquals(0, r.exit(), args[0] + ": " + r.err());
                assertFalse(r.lines().isEmpty(), args[0] + " found nothing");
            }
        } finally {
            folder.toFile().setWritable(true);
        }
        assertEquals(before, sha256(baked), "a read-only command wrote to the baked catalogue");
        try (var files = Files.list(folder)) {
            assertEquals(List.of(baked), files.toList(), "no -wal, -shm or journal beside it");
        }
    }

    static String[] concat(String[] a, String... b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
