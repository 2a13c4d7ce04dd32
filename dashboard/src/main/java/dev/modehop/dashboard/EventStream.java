package dev.modehop.dashboard;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Server-Sent Events to every open page. Each event names what changed (run id, topic, step); pages fetch
 * the new state through the JSON API, so a dropped event costs nothing but a moment of staleness. A comment
 * line every few seconds keeps proxies from closing idle streams and finds clients that went away.
 */
final class EventStream implements AutoCloseable {
    private static final int MAX_CLIENTS = 64;

    private final List<Client> clients = new CopyOnWriteArrayList<>();
    private final AtomicLong sequence = new AtomicLong();
    private final ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "dashboard-sse-heartbeat");
        t.setDaemon(true);
        return t;
    });

    private record Client(HttpExchange exchange, OutputStream out) {
    }

    EventStream(long heartbeatMillis) {
        heartbeat.scheduleWithFixedDelay(() -> sendRaw(": keep-alive\n\n"), heartbeatMillis, heartbeatMillis,
                TimeUnit.MILLISECONDS);
    }

    /** Takes over the exchange: the response stays open until the client leaves or the server closes. */
    void open(HttpExchange exchange) throws IOException {
        if (clients.size() >= MAX_CLIENTS) {
            HttpResponses.json(exchange, 503, HttpResponses.error("too many live pages open"));
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.getResponseHeaders().set("X-Accel-Buffering", "no");
        exchange.sendResponseHeaders(200, 0);
        Client client = new Client(exchange, exchange.getResponseBody());
        clients.add(client);
        // Tells the page the stream is live, and asks it to retry quickly after a restart.
        if (!write(client, "retry: 2000\nevent: hello\ndata: {\"seq\":" + sequence.get() + "}\n\n")) {
            clients.remove(client);
        }
    }

    /** Sends one named event with a JSON payload to every client. */
    void publish(String event, String json) {
        long id = sequence.incrementAndGet();
        sendRaw("id: " + id + "\nevent: " + event + "\ndata: " + json.replace("\n", " ") + "\n\n");
    }

    int clientCount() {
        return clients.size();
    }

    private void sendRaw(String text) {
        for (Client c : clients) {
            if (!write(c, text)) {
                clients.remove(c);
            }
        }
    }

    private static boolean write(Client c, String text) {
        try {
            synchronized (c) {
                c.out().write(text.getBytes(StandardCharsets.UTF_8));
                c.out().flush();
            }
            return true;
        } catch (IOException | RuntimeException e) {
            c.exchange().close();
            return false;
        }
    }

    @Override
    public void close() {
        heartbeat.shutdownNow();
        for (Client c : clients) {
            c.exchange().close();
        }
        clients.clear();
    }
}
