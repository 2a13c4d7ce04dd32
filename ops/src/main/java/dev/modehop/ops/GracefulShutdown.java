package dev.modehop.ops;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ordered close on SIGTERM (or Ctrl-C, or a normal exit). Resources are closed in reverse order of
 * registration, like try-with-resources: register the health server first and the Kafka Streams
 * instance or consumer loop last, so the engine drains and commits before the endpoints disappear.
 * A resource that throws is logged and the others are still closed.
 *
 * <pre>{@code
 * GracefulShutdown shutdown = GracefulShutdown.onSignal("streams");
 * HealthServer health = shutdown.register("health", HealthServer.start(cfg.healthPort(), metrics));
 * KafkaStreams streams = ...;
 * shutdown.register("kafka-streams", () -> streams.close(Duration.ofSeconds(30)));
 * streams.start();
 * shutdown.awaitShutdown();
 * }</pre>
 */
public final class GracefulShutdown {

    private static final Logger LOG = LoggerFactory.getLogger(GracefulShutdown.class);

    private record Named(String name, AutoCloseable resource) {
    }

    private final String serviceName;
    private final Deque<Named> resources = new ArrayDeque<>();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final List<Exception> failures = new ArrayList<>();

    /** Without a JVM hook: the caller invokes {@link #closeAll()} (tests, embedded mode). */
    public GracefulShutdown(String serviceName) {
        this.serviceName = serviceName;
    }

    /** Registers a JVM shutdown hook that runs {@link #closeAll()} on SIGTERM, SIGINT or exit. */
    public static GracefulShutdown onSignal(String serviceName) {
        GracefulShutdown shutdown = new GracefulShutdown(serviceName);
        Runtime.getRuntime().addShutdownHook(new Thread(shutdown::closeAll, serviceName + "-shutdown"));
        return shutdown;
    }

    /** Adds a resource to close; returns it for chaining. Registering after shutdown began closes it at once. */
    public <T extends AutoCloseable> T register(String name, T resource) {
        synchronized (resources) {
            if (!closing.get()) {
                resources.push(new Named(name, resource));
                return resource;
            }
        }
        closeQuietly(new Named(name, resource));
        return resource;
    }

    /** Closes everything registered, newest first; safe to call more than once and from several threads. */
    public void closeAll() {
        if (!closing.compareAndSet(false, true)) {
            awaitQuietly();
            return;
        }
        LOG.info("{}: shutting down", serviceName);
        try {
            while (true) {
                Named next;
                synchronized (resources) {
                    next = resources.poll();
                }
                if (next == null) {
                    break;
                }
                closeQuietly(next);
            }
        } finally {
            closed.countDown();
            LOG.info("{}: shut down", serviceName);
        }
    }

    private void closeQuietly(Named named) {
        try {
            named.resource().close();
        } catch (Exception e) {
            LOG.warn("{}: closing {} failed: {}", serviceName, named.name(), e.toString());
            synchronized (failures) {
                failures.add(e);
            }
        } catch (Error e) {
            LOG.error("{}: closing {} failed: {}", serviceName, named.name(), e.toString());
            throw e;
        }
    }

    /** Blocks the calling (main) thread until {@link #closeAll()} has finished. */
    public void awaitShutdown() throws InterruptedException {
        closed.await();
    }

    public boolean awaitShutdown(long timeout, TimeUnit unit) throws InterruptedException {
        return closed.await(timeout, unit);
    }

    public boolean isShuttingDown() {
        return closing.get();
    }

    /** Exceptions thrown by resources while closing, in close order. */
    public List<Exception> failures() {
        synchronized (failures) {
            return List.copyOf(failures);
        }
    }

    private void awaitQuietly() {
        try {
            closed.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
