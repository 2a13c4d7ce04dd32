package dev.modehop.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;

/** One route against a local receiver: what is retried, what is final. */
class HttpDeliveryTest {

    static HttpDelivery.Outcome deliverAgainst(List<Integer> answers, List<Duration> pauses) throws Exception {
        ConcurrentLinkedQueue<Integer> queue = new ConcurrentLinkedQueue<>(answers);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 10);
        server.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            Integer code = queue.poll();
            int c = code == null ? 200 : code;
            if (c == 429) {
                ex.getResponseHeaders().add("Retry-After", "2");
            }
            ex.sendResponseHeaders(c, -1);
            ex.close();
        });
        server.start();
        try {
            NotifyConfig cfg = NotifyConfigTest.parse("""
                    initial-backoff: 100ms
                    routes:
                      - {name: a, type: webhook, url: "http://127.0.0.1:%d/hook"}
                    """.formatted(server.getAddress().getPort()), Map.of());
            return new HttpDelivery(cfg).deliver(cfg.routes().get(0), "id", "{}", pauses::add);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void serverErrorsAndRateLimitsAreRetriedUntilTaken() throws Exception {
        List<Duration> pauses = new ArrayList<>();
        HttpDelivery.Outcome o = deliverAgainst(List.of(503, 500, 429, 408), pauses);
        assertTrue(o.delivered());
        assertEquals(5, o.attempts());
        assertEquals(Duration.ofSeconds(2), pauses.get(2), "429 waits for its Retry-After");
        assertTrue(pauses.get(1).compareTo(pauses.get(0)) > 0 || pauses.get(1).toMillis() >= 160, "backoff grows");
    }

    @Test
    void otherClientErrorsAreFinal() throws Exception {
        for (int code : new int[] {400, 403, 404, 410}) {
            List<Duration> pauses = new ArrayList<>();
            HttpDelivery.Outcome o = deliverAgainst(List.of(code), pauses);
            assertFalse(o.delivered(), "HTTP " + code);
            assertEquals(1, o.attempts());
            assertTrue(pauses.isEmpty());
            assertTrue(o.detail().startsWith("HTTP " + code), o.detail());
        }
    }
}
