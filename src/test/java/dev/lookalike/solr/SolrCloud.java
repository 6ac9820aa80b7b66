package dev.lookalike.solr;

import org.apache.solr.cloud.MiniSolrCloudCluster;
import org.apache.solr.embedded.JettySolrRunner;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real SolrCloud for integration tests: solr-test-framework's {@link MiniSolrCloudCluster}, an embedded
 * ZooKeeper and {@code nodes} Jetty nodes of Solr 9.10.1 in this JVM, bound to 127.0.0.1 on free ports, with
 * everything under a temporary folder. Tests talk to it over HTTP ({@link SolrHttp}), as Lookalike does.
 *
 * <pre>
 * try (SolrCloud solr = SolrCloud.start(2, tempDir)) {
 *     SolrHttp http = solr.client(0);
 *     …
 *     solr.stopNode(1);
 * }
 * </pre>
 *
 * It needs solr-test-framework and solr-core on the classpath, which only the failsafe tests have (see the
 * pom's surefire {@code classpathDependencyExcludes}), so its users are {@code *IT} classes.
 */
public final class SolrCloud implements AutoCloseable {

    private final MiniSolrCloudCluster cluster;
    private final List<String> urls;

    private SolrCloud(MiniSolrCloudCluster cluster) {
        this.cluster = cluster;
        this.urls = new ArrayList<>();
        for (JettySolrRunner j : cluster.getJettySolrRunners()) {
            urls.add(j.getBaseUrl().toString());
        }
    }

    /** Starts ZooKeeper and {@code nodes} Solr nodes under {@code dir} and waits until all are live. */
    public static SolrCloud start(int nodes, Path dir) throws Exception {
        Files.createDirectories(dir);
        MiniSolrCloudCluster cluster = new MiniSolrCloudCluster.Builder(nodes, dir.resolve("cluster"))
                .withJettyConfig(j -> j.setPort(0))
                // its WARN "Unable to inject random recording flag" is harmless: that flag needs JUnit 4's
                // RandomizedRunner, which a JUnit 5 test does not have
                .build();
        cluster.waitForAllNodes(60);
        return new SolrCloud(cluster);
    }

    /** The base URL of node {@code i}, such as {@code http://127.0.0.1:41234/solr}. */
    public String url(int i) {
        return urls.get(i);
    }

    /** The base URLs of all nodes started, stopped ones included, in start order. */
    public List<String> urls() {
        return List.copyOf(urls);
    }

    /** A client of node {@code i} with short timeouts and a few quick retries, as tests want. */
    public SolrHttp client(int i) {
        return new SolrHttp(url(i), Duration.ofSeconds(60), 4, Duration.ofMillis(200));
    }

    /** Stops node {@code i} (as a crash would, from the others' point of view) and waits until ZooKeeper sees it gone. */
    public void stopNode(int i) throws Exception {
        JettySolrRunner j = cluster.getJettySolrRunner(i);
        cluster.stopJettySolrRunner(j);
        cluster.waitForJettyToStop(j);
    }

    /**
     * Waits until every shard of {@code collection} has {@code replicasPerShard} active replicas on live nodes.
     */
    public void waitForActive(String collection, int shards, int replicasPerShard) {
        cluster.waitForActiveCollection(collection, 60, TimeUnit.SECONDS, shards, shards * replicasPerShard);
    }

    /** The cluster itself, for what this class does not wrap. */
    public MiniSolrCloudCluster cluster() {
        return cluster;
    }

    @Override
    public void close() throws Exception {
        cluster.shutdown();
    }
}
