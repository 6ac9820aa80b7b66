package dev.lookalike.solr;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SolrHttp's URL rules, retries and error messages against a loopback HTTP server answering as Solr does (the
 * real Solr is SolrCloudIT's).
 */
class SolrHttpTest {

    HttpServer server;
    String url;
    final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger unavailable = new AtomicInteger();
    volatile int status = 200;
    volatile String body = "{\"responseHeader\":{\"status\":0},\"response\":{\"numFound\":3,\"docs\":[]}}";

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::answer);
        server.start();
        url = "http://127.0.0.1:" + server.getAddress().getPort() + "/solr";
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void answer(HttpExchange ex) throws IOException {
        String form = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        requests.add(ex.getRequestMethod() + " " + ex.getRequestURI() + (form.isEmpty() ? "" : " " + form));
        int code = unavailable.getAndDecrement() > 0 ? 503 : status;
        byte[] out = (code == 503 ? "<html><body>Service Unavailable</body></html>" : body).getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(code, out.length);
        ex.getResponseBody().write(out);
        ex.close();
    }

    SolrHttp client() {
        return new SolrHttp(url, Duration.ofSeconds(5), 4, Duration.ofMillis(10));
    }

    @Test
    void baseUrlsHaveOneSpelling() {
        assertEquals("http://solr.example:8983/solr", SolrHttp.normalise("http://solr.example:8983"));
        assertEquals("http://solr.example:8983/solr", SolrHttp.normalise("HTTP://Solr.Example:8983/"));
        assertEquals("http://solr.example:8983/solr", SolrHttp.normalise(" http://solr.example:8983/solr/ "));
        assertEquals("https://solr.example/solr", SolrHttp.normalise("https://solr.example"));
        assertEquals("http://h:1/search/solr", SolrHttp.normalise("http://h:1/search/solr"));
        for (String bad : new String[] {"", "solr.example:8983", "ftp://h/solr", "http://h:1/other",
                "http://h:1/solr?x=1", "http://user@h:1/solr"}) {
            assertThrows(IllegalArgumentException.class, () -> SolrHttp.normalise(bad), bad);
        }
    }

    @Test
    void selectPostsAFormWithRepeatedParameters() throws Exception {
        long n = client().count("things", "*:*", "type:photo", "{!term f=shop}North Shop");
        assertEquals(3, n);
        String r = requests.get(0);
        assertTrue(r.startsWith("POST /solr/things/select "), r);
        String form = URLDecoder.decode(r.substring(r.indexOf(' ', 5) + 1), StandardCharsets.UTF_8);
        assertEquals("q=*:*&fq=type:photo&fq={!term f=shop}North Shop&rows=0&wt=json", form);
    }

    @Test
    void idempotentRequestsAreRetriedThroughA503() {
        unavailable.set(2);
        assertEquals(3, client().count("things", "*:*"));
        assertEquals(3, requests.size(), requests.toString());
    }

    @Test
    void aCreateIsNotRetried() {
        unavailable.set(1);
        SolrException e = assertThrows(SolrException.class, () -> client().createCollection("c", "lookalike", 1, 1));
        assertEquals(503, e.status());
        assertEquals(1, requests.size());
        assertEquals("solr create collection c: HTTP 503: Service Unavailable", e.getMessage());
    }

    @Test
    void solrsErrorMessageIsKeptOnOneLine() {
        status = 400;
        body = "{\"responseHeader\":{\"status\":400},\"error\":{\"metadata\":[],\"msg\":\"undefined field vector\\n"
                + "  at line 1\",\"code\":400}}";
        SolrException e = assertThrows(SolrException.class, () -> client().select("things", "q", "x"));
        assertEquals(400, e.status());
        assertEquals("solr select things: HTTP 400: undefined field vector at line 1", e.getMessage());
        assertEquals(1, requests.size(), "a 400 is an answer, not retried");
    }

    @Test
    void schemaErrorsNameEachRefusedCommand() {
        status = 400;
        body = "{\"responseHeader\":{\"status\":400},\"error\":{\"details\":[{\"add-field\":{\"name\":\"x\"},"
                + "\"errorMessages\":[\"Field 'x' already exists.\\n\"]}],\"msg\":\"error processing commands\"}}";
        SolrException e = assertThrows(SolrException.class,
                () -> client().updateSchema("things", new ObjectMapper().createObjectNode()));
        assertEquals("solr update the schema of things: HTTP 400: error processing commands; Field 'x' already exists.",
                e.getMessage());
    }

    @Test
    void aFailureInsideA200IsAnError() {
        body = "{\"responseHeader\":{\"status\":0},\"failure\":{\"127.0.0.1:1_solr\":\"Error CREATEing SolrCore\"}}";
        SolrException e = assertThrows(SolrException.class, () -> client().createCollection("c", "lookalike", 1, 1));
        assertTrue(e.getMessage().contains("Error CREATEing SolrCore"), e.getMessage());
    }

    @Test
    void updatesAddEachDocumentAndDeleteByIdInOneRequest() {
        var mapper = new ObjectMapper();
        client().update("things", List.of(mapper.createObjectNode().put("id", "a"), mapper.createObjectNode().put("id", "b")),
                List.of("c", "d"));
        assertEquals("POST /solr/things/update?wt=json {\"add\":{\"doc\":{\"id\":\"a\"}},\"add\":{\"doc\":{\"id\":\"b\"}},"
                + "\"delete\":[\"c\",\"d\"]}", requests.get(0));
    }

    @Test
    void aRefusedConnectionMovesOnToTheNextNode() throws IOException {
        String dead = "http://127.0.0.1:" + freePort() + "/solr";
        SolrHttp both = new SolrHttp(dead + "," + url, Duration.ofSeconds(5), 1, Duration.ofMillis(10));
        assertEquals(new SolrHttp(url + "," + dead).baseUrl(), both.baseUrl(), "the same nodes in any order are one Solr");
        assertEquals(String.join(",", url.compareTo(dead) < 0 ? List.of(url, dead) : List.of(dead, url)), both.baseUrl());
        assertEquals(List.of(dead, url), both.nodes());
        // not even a CREATE reached the dead node, so it may go to the live one, and later requests start there
        body = "{\"responseHeader\":{\"status\":0}}";
        both.createCollection("c", "lookalike", 1, 1);
        both.get("/admin/collections", "action", "LIST");
        assertEquals(2, requests.size(), requests.toString());
    }

    @Test
    void anUnreachableSolrIsOneLineAfterTheRetries() throws IOException {
        int port = freePort();
        SolrHttp dead = new SolrHttp("http://127.0.0.1:" + port, Duration.ofSeconds(2), 3, Duration.ofMillis(10));
        long start = System.nanoTime();
        SolrException e = assertThrows(SolrException.class, () -> dead.select("things", Map.of("q", "*:*")));
        assertEquals(0, e.status());
        assertTrue(e.getMessage().startsWith("solr select things: cannot reach http://127.0.0.1:" + port + "/solr"),
                e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        assertTrue(System.nanoTime() - start < 5_000_000_000L);
    }

    /** A loopback port nothing listens on (free a moment ago). */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
