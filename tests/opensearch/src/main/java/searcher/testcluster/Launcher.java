package searcher.testcluster;

import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.plugins.Plugin;
import org.opensearch.transport.Netty4Plugin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs ONE real OpenSearch 2.19 node in this JVM, with the Netty4 transport/HTTP
 * plugin and the analysis-common plugin loaded from the classpath (what a
 * distribution's modules/ directory would provide).
 *
 * <p>Usage: {@code java -cp ... searcher.testcluster.Launcher key=value ...}
 * Every argument is a node setting (like {@code opensearch -Ekey=value}); the
 * defaults below can be overridden that way. Required: {@code path.home}.
 * The system property {@code searcher.pidfile} names a file that receives this
 * JVM's pid.
 *
 * <p>This is a plain {@link Node}, not {@code org.opensearch.bootstrap.OpenSearch},
 * so no bootstrap checks run (it works as root, with small heaps, without
 * vm.max_map_count tuning) and no security manager is installed.
 */
public final class Launcher {

    /** The 2.19 class names; 3.x renamed them to Netty4ModulePlugin / CommonAnalysisModulePlugin. */
    static final List<Class<? extends Plugin>> BASE_PLUGINS = List.of(Netty4Plugin.class, CommonAnalysisPlugin.class);

    /** Loaded by name when on the classpath (target/knn/: the k-NN plugin's zip, unpacked by
     *  Maven): knn_vector fields and the knn query, Lucene engine; painless, which k-NN extends. */
    static final List<String> OPTIONAL_PLUGINS = List.of(
        "org.opensearch.painless.PainlessPlugin", "org.opensearch.knn.plugin.KNNPlugin");

    static List<Class<? extends Plugin>> plugins() {
        List<Class<? extends Plugin>> out = new java.util.ArrayList<>(BASE_PLUGINS);
        for (String name : OPTIONAL_PLUGINS) {
            try {
                out.add(Class.forName(name).asSubclass(Plugin.class));
            } catch (ClassNotFoundException e) {
                System.err.println("searcher.testcluster: plugin not on the classpath: " + name);
            }
        }
        return out;
    }

    /** {@link Node}'s plugin-list constructor is protected; this subclass only exposes it. */
    static final class ClasspathPluginNode extends Node {
        ClasspathPluginNode(Environment environment, Collection<Class<? extends Plugin>> plugins) {
            super(environment, plugins, true);
        }
    }

    private Launcher() {}

    public static void main(String[] args) throws Exception {
        Settings.Builder builder = Settings.builder()
            .put("network.host", "127.0.0.1")
            .put("http.type", "netty4")
            .put("transport.type", "netty4")
            // A test cluster on a shared, possibly nearly full disk must not go read-only/yellow.
            .put("cluster.routing.allocation.disk.threshold_enabled", false)
            // Small heaps: the real-memory parent breaker would reject requests spuriously.
            .put("indices.breaker.total.use_real_memory", false);
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq <= 0) {
                System.err.println("bad argument (want key=value): " + arg);
                System.exit(2);
            }
            builder.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        Settings settings = builder.build();
        if (settings.get("path.home") == null) {
            System.err.println("path.home=... is required");
            System.exit(2);
        }

        String pidFile = System.getProperty("searcher.pidfile");
        if (pidFile != null) {
            writePid(Paths.get(pidFile));
        }

        String nodeName = settings.get("node.name", "node");
        Environment environment = InternalSettingsPreparer.prepareEnvironment(
            settings, Collections.emptyMap(), null, () -> nodeName);
        Files.createDirectories(environment.logsFile());

        Node node = new ClasspathPluginNode(environment, plugins());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
                node.awaitClose(20, TimeUnit.SECONDS);
            } catch (Exception e) {
                e.printStackTrace();
            } finally {
                stopped.countDown();
            }
        }, "searcher-node-shutdown"));

        try {
            node.start();
        } catch (Throwable t) {
            t.printStackTrace();
            System.err.flush();
            Runtime.getRuntime().halt(1);
        }
        System.out.println("searcher.testcluster: node [" + nodeName + "] started");
        System.out.flush();
        // OpenSearch's own threads are daemons: keep the JVM alive until SIGTERM.
        stopped.await();
    }

    private static void writePid(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
        Files.write(tmp, (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII));
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
