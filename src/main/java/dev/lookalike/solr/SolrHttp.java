package dev.lookalike.solr;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A small client for Solr's HTTP/JSON APIs (select, update, Collections, Configsets, Schema), made once per
 * Solr and safe to share between threads. Every answer is parsed JSON; every failure is a {@link SolrException}
 * with one line saying what Solr said. Idempotent requests (reads, adds and deletes by id, commits) are retried
 * with backoff while the node refuses connections or answers 503, as a restarting node does.
 */
public final class SolrHttp {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The longest message kept from an error answer, so that errors stay one readable line. */
    private static final int MAX_MESSAGE = 400;

    private final List<String> nodes;
    /** The node tried first: the last one that answered. */
    private volatile int preferred;
    private final HttpClient http;
    private final Duration timeout;
    private final int attempts;
    private final Duration firstBackoff;

    /**
     * A client for the Solr at {@code url} (see {@link #normalise}), or for any of several nodes of one SolrCloud
     * given as a comma-separated list: 60 s per request, 6 tries of idempotent ones.
     */
    public SolrHttp(String url) {
        this(url, Duration.ofSeconds(60), 6, Duration.ofMillis(250));
    }

    /**
     * @param url          one node's URL, or several nodes' separated by commas: a request goes to the node that
     *                     answered last and moves on to the next when a node refuses the connection
     * @param timeout      the longest wait for one answer
     * @param attempts     how many times an idempotent request is tried in all (at least 1)
     * @param firstBackoff the pause before the second try, doubled before each further one (at most 8 s)
     * @throws IllegalArgumentException when {@code url} is not an http(s) URL of a Solr
     */
    public SolrHttp(String url, Duration timeout, int attempts, Duration firstBackoff) {
        List<String> list = new ArrayList<>();
        for (String one : (url == null ? "" : url).split(",")) {
            String n = normalise(one);
            if (!list.contains(n)) {
                list.add(n);
            }
        }
        this.nodes = List.copyOf(list);
        this.timeout = timeout;
        this.attempts = Math.max(1, attempts);
        this.firstBackoff = firstBackoff;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /**
     * The Solr base URL in one spelling, ending in {@code /solr}: {@code http://host:8983},
     * {@code http://host:8983/} and {@code HTTP://Host:8983/solr/} all give {@code http://host:8983/solr}.
     *
     * @throws IllegalArgumentException when it is not an http(s) URL with a host, or has a path other than /solr
     */
    public static String normalise(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("the Solr URL is empty: give one such as http://localhost:8983/solr");
        }
        URI u;
        try {
            u = URI.create(url.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a URL: " + url);
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || u.getHost() == null) {
            throw new IllegalArgumentException("the Solr URL must be http(s)://host[:port][/solr], got " + url);
        }
        if (u.getQuery() != null || u.getFragment() != null || u.getUserInfo() != null) {
            throw new IllegalArgumentException("the Solr URL must be http(s)://host[:port][/solr], without a query, "
                    + "fragment or user, got " + url);
        }
        String path = u.getPath() == null ? "" : u.getPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        if (path.isEmpty()) {
            path = "/solr";
        }
        if (!path.endsWith("/solr")) {
            throw new IllegalArgumentException("the Solr URL must end in /solr (or have no path), got " + url);
        }
        return scheme + "://" + u.getHost().toLowerCase(Locale.ROOT) + (u.getPort() < 0 ? "" : ":" + u.getPort()) + path;
    }

    /**
     * The normalised base URL, ending in {@code /solr}; with several nodes, their URLs sorted and joined by
     * commas, so that the same nodes in any order name the same Solr.
     */
    public String baseUrl() {
        return nodes.stream().sorted().collect(java.util.stream.Collectors.joining(","));
    }

    /** The nodes' normalised base URLs, in the order given. */
    public List<String> nodes() {
        return nodes;
    }

    // ---------------------------------------------------------------- search

    /**
     * A search: the parameters posted as a form to {@code /solr/<collection>/select} with {@code wt=json}.
     *
     * @param params each value a String (or anything, by its toString) or a collection of them for a repeated
     *               parameter such as {@code fq}; insertion order is kept
     * @return Solr's whole answer ({@code response.numFound}, {@code response.docs}, …)
     */
    public JsonNode select(String collection, Map<String, ?> params) {
        Map<String, Object> all = new LinkedHashMap<>(params);
        all.put("wt", "json");
        HttpRequest.Builder req = request(path(collection) + "/select")
                .header("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString(form(all)));
        return send(req, "select " + collection, true);
    }

    /** {@link #select(String, Map)} with the parameters as name, value, name, value, … */
    public JsonNode select(String collection, String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("parameters come in name, value pairs");
        }
        Map<String, List<String>> params = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            params.computeIfAbsent(namesAndValues[i], k -> new ArrayList<>()).add(namesAndValues[i + 1]);
        }
        return select(collection, params);
    }

    /** How many documents of the collection a query matches ({@code rows=0}), after the filters given. */
    public long count(String collection, String query, String... filters) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("q", query);
        params.put("fq", List.of(filters));
        params.put("rows", "0");
        return select(collection, params).path("response").path("numFound").asLong();
    }

    // ---------------------------------------------------------------- update

    /**
     * Adds (or replaces, by id) {@code docs} and deletes the documents with the ids {@code deleteIds}, in one
     * request to {@code /solr/<collection>/update}, without committing. Both are idempotent, so the request is
     * retried like a read.
     */
    public void update(String collection, List<? extends JsonNode> docs, Collection<String> deleteIds) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.getFactory().createGenerator(body)) {
            // Solr's JSON update syntax repeats "add" once per document, then one "delete" with the ids
            g.writeStartObject();
            for (JsonNode doc : docs) {
                g.writeFieldName("add");
                g.writeStartObject();
                g.writeFieldName("doc");
                JSON.writeTree(g, doc);
                g.writeEndObject();
            }
            if (!deleteIds.isEmpty()) {
                g.writeArrayFieldStart("delete");
                for (String id : deleteIds) {
                    g.writeString(id);
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("writing JSON to memory cannot fail", e);
        }
        HttpRequest.Builder req = request(path(collection) + "/update?wt=json")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()));
        send(req, "update " + collection, true);
    }

    /** A hard commit that opens a new searcher, so that what was sent is durable and visible to queries. */
    public void commit(String collection) {
        HttpRequest.Builder req = request(path(collection) + "/update?wt=json&commit=true&waitSearcher=true")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}"));
        send(req, "commit " + collection, true);
    }

    // ---------------------------------------------------------------- Collections API

    /** The names of the cluster's collections. */
    public List<String> collections() {
        return strings(get("/admin/collections", "action", "LIST").path("collections"));
    }

    /**
     * Creates a collection from an uploaded configset and waits until its replicas are active. Not retried: a
     * second CREATE of the same name fails.
     */
    public void createCollection(String name, String configName, int shards, int replicas) {
        createCollection(name, configName, shards, replicas, null);
    }

    /**
     * {@link #createCollection(String, String, int, int)} with documents routed to shards by the hash of
     * {@code routerField}'s value (the compositeId router's {@code router.field}) instead of their id, so that
     * documents sharing it share a shard; null routes by id.
     */
    public void createCollection(String name, String configName, int shards, int replicas, String routerField) {
        List<String> params = new ArrayList<>(List.of("action", "CREATE", "name", name,
                "numShards", String.valueOf(shards), "replicationFactor", String.valueOf(replicas),
                "collection.configName", configName, "waitForFinalState", "true"));
        if (routerField != null) {
            params.addAll(List.of("router.name", "compositeId", "router.field", routerField));
        }
        JsonNode answer = send(request(url("/admin/collections", params.toArray(String[]::new))).GET(),
                "create collection " + name, false);
        failOnFailure(answer, "create collection " + name);
    }

    /** Deletes a collection and its index. */
    public void deleteCollection(String name) {
        JsonNode answer = send(request(url("/admin/collections", "action", "DELETE", "name", name)).GET(),
                "delete collection " + name, false);
        failOnFailure(answer, "delete collection " + name);
    }

    /**
     * The cluster's state as CLUSTERSTATUS gives it ({@code cluster.collections}, {@code cluster.live_nodes}),
     * for one collection or, when {@code collection} is null, all of them.
     */
    public JsonNode clusterStatus(String collection) {
        return collection == null ? get("/admin/collections", "action", "CLUSTERSTATUS")
                : get("/admin/collections", "action", "CLUSTERSTATUS", "collection", collection);
    }

    // ---------------------------------------------------------------- Configsets API

    /** The names of the configsets in ZooKeeper. */
    public List<String> configSets() {
        return strings(get("/admin/configs", "action", "LIST").path("configSets"));
    }

    /** Uploads a configset (a zip with solrconfig.xml and the schema at its root) under {@code name}. */
    public void uploadConfigSet(String name, byte[] zip) {
        HttpRequest.Builder req = request(url("/admin/configs", "action", "UPLOAD", "name", name))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(zip));
        failOnFailure(send(req, "upload configset " + name, false), "upload configset " + name);
    }

    // ---------------------------------------------------------------- Schema API

    /** The collection's explicitly defined fields, each as the Schema API lists it (name, type, flags). */
    public List<JsonNode> fields(String collection) {
        return list(get(path(collection) + "/schema/fields").path("fields"));
    }

    /** The collection's field types, each as the Schema API lists it (name, class, attributes, analyzers). */
    public List<JsonNode> fieldTypes(String collection) {
        return list(get(path(collection) + "/schema/fieldtypes").path("fieldTypes"));
    }

    /** One field of the collection's schema, or empty when it has none of that name. */
    public Optional<JsonNode> field(String collection, String name) {
        return fields(collection).stream().filter(f -> name.equals(f.path("name").asText())).findFirst();
    }

    /**
     * Applies Schema API commands ({@code add-field-type}, {@code replace-field-type}, {@code add-field},
     * {@code replace-field}, … each a definition or an array of them) in one request, waiting up to 60 s for
     * every replica to load the changed schema. Not retried.
     */
    public void updateSchema(String collection, ObjectNode commands) {
        HttpRequest.Builder req = request(path(collection) + "/schema?wt=json&updateTimeoutSecs=60")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(commands.toString()));
        send(req, "update the schema of " + collection, false);
    }

    // ---------------------------------------------------------------- plumbing

    /** A GET of a path under the base URL with query parameters as name, value, …; retried. */
    public JsonNode get(String path, String... namesAndValues) {
        return send(request(url(path, namesAndValues)).GET(), "GET " + path, true);
    }

    private static String path(String collection) {
        if (collection == null || collection.isBlank()) {
            throw new IllegalArgumentException("no Solr collection named");
        }
        return "/" + URLEncoder.encode(collection, StandardCharsets.UTF_8);
    }

    private String url(String path, String... namesAndValues) {
        StringBuilder sb = new StringBuilder(path).append("?wt=json");
        for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
            sb.append('&').append(URLEncoder.encode(namesAndValues[i], StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(namesAndValues[i + 1], StandardCharsets.UTF_8));
        }
        return sb.toString();
    }

    private HttpRequest.Builder request(String pathAndQuery) {
        // the first node's URL; send() puts the node it tries in its place
        return HttpRequest.newBuilder(URI.create(nodes.get(0) + pathAndQuery)).timeout(timeout).header("Accept", "application/json");
    }

    private static String form(Map<String, ?> params) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, ?> e : params.entrySet()) {
            Iterable<?> values = e.getValue() instanceof Iterable<?> many ? many : List.of(e.getValue());
            for (Object v : values) {
                if (v == null) {
                    continue;
                }
                if (!sb.isEmpty()) {
                    sb.append('&');
                }
                sb.append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)).append('=')
                        .append(URLEncoder.encode(v.toString(), StandardCharsets.UTF_8));
            }
        }
        return sb.toString();
    }

    /**
     * Sends a request to the preferred node, moving on to the next node when one refuses the connection (nothing
     * was sent, so even a CREATE may go elsewhere), and retrying an idempotent request with backoff once every
     * node refused or when one answered 503; parses the JSON answer.
     */
    private JsonNode send(HttpRequest.Builder builder, String what, boolean idempotent) {
        String suffix = builder.build().uri().toString().substring(nodes.get(0).length());
        Duration pause = firstBackoff;
        int refused = 0;
        for (int attempt = 1; ; ) {
            int at = preferred;
            HttpRequest req = builder.copy().uri(URI.create(nodes.get(at) + suffix)).build();
            boolean last = !idempotent || attempt >= attempts;
            HttpResponse<byte[]> resp;
            try {
                resp = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                boolean notSent = e instanceof ConnectException || e instanceof HttpConnectTimeoutException
                        || e.getCause() instanceof ConnectException;
                if (notSent && ++refused < nodes.size()) {
                    preferred = (at + 1) % nodes.size();
                    continue;
                }
                if (last || !notSent) {
                    String where = nodes.size() == 1 ? nodes.get(0) : "any of " + String.join(", ", nodes);
                    throw new SolrException(0, "solr " + what + ": cannot reach " + where + " ("
                            + oneLine(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")", e);
                }
                refused = 0;
                attempt++;
                sleep(pause);
                pause = next(pause);
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SolrException(0, "solr " + what + ": interrupted", e);
            }
            refused = 0;
            int status = resp.statusCode();
            if (status == 503 && !last) {
                preferred = (at + 1) % nodes.size();
                attempt++;
                sleep(pause);
                pause = next(pause);
                continue;
            }
            JsonNode body = parse(resp.body());
            if (status / 100 != 2) {
                throw new SolrException(status, "solr " + what + ": HTTP " + status + ": " + errorMessage(body, resp.body()));
            }
            if (body == null) {
                throw new SolrException(status, "solr " + what + ": the answer is not JSON: "
                        + oneLine(new String(resp.body(), StandardCharsets.UTF_8)));
            }
            return body;
        }
    }

    private static Duration next(Duration pause) {
        Duration d = pause.multipliedBy(2);
        return d.compareTo(Duration.ofSeconds(8)) > 0 ? Duration.ofSeconds(8) : d;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SolrException(0, "interrupted while waiting for Solr", e);
        }
    }

    private static JsonNode parse(byte[] body) {
        try {
            return body.length == 0 ? null : JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    /** Collections and Configsets API failures may come with status 200 and a "failure" or "exception" member. */
    private static void failOnFailure(JsonNode answer, String what) {
        JsonNode failure = answer.has("failure") ? answer.get("failure") : answer.get("exception");
        if (failure != null && !failure.isNull()) {
            throw new SolrException(answer.path("responseHeader").path("status").asInt(500),
                    "solr " + what + ": " + oneLine(failure.isTextual() ? failure.asText() : failure.toString()));
        }
    }

    /** Solr's own words for an error: error.msg, the Schema API's errorMessages, else the start of the body. */
    private static String errorMessage(JsonNode body, byte[] raw) {
        if (body == null) {
            String text = new String(raw, StandardCharsets.UTF_8).replaceAll("<[^>]*>", " ");
            return text.isBlank() ? "(no message)" : oneLine(text);
        }
        List<String> parts = new ArrayList<>();
        JsonNode error = body.path("error");
        if (error.hasNonNull("msg")) {
            parts.add(error.get("msg").asText());
        }
        for (JsonNode detail : error.path("details")) {
            for (JsonNode m : detail.path("errorMessages")) {
                String s = m.asText().strip();
                if (!s.isEmpty() && !parts.contains(s)) {
                    parts.add(s);
                }
            }
        }
        if (parts.isEmpty() && body.has("exception")) {
            parts.add(body.get("exception").toString());
        }
        return parts.isEmpty() ? oneLine(body.toString()) : oneLine(String.join("; ", parts));
    }

    private static String oneLine(String s) {
        String line = s.replaceAll("\\s+", " ").strip();
        return line.length() <= MAX_MESSAGE ? line : line.substring(0, MAX_MESSAGE) + "…";
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        for (JsonNode n : array) {
            out.add(n.asText());
        }
        return out;
    }

    private static List<JsonNode> list(JsonNode array) {
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out;
    }
}
