package dev.modehop.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DashboardSettingsTest {

    @Test
    void theBuilderStartsFromTheReadOnlyLoopbackSettings() {
        DashboardSettings plain = DashboardSettings.builder("k:9092", "http://r").build();
        assertEquals("127.0.0.1", plain.host());
        assertEquals(0, plain.port());
        assertNull(plain.controlToken());
        assertEquals("http://r", plain.registryUrl());
        assertEquals(DashboardSettings.DEFAULT_IDLE_AFTER, plain.idleAfter());
    }

    /** Seven of the fields are strings; the builder must put each where its name says. */
    @Test
    void eachSetterSetsItsOwnField() {
        DashboardSettings expected = new DashboardSettings("k:1", Map.of("schema.registry.url", "http://x"), "p.",
                "0.0.0.0", 8080, "steer", "group", Map.of("security.protocol", "SSL"), "look", List.of("dash"),
                Duration.ofMinutes(3), "http://streams");
        DashboardSettings built = DashboardSettings.builder("other:2", "http://y").bootstrapServers("k:1")
                .serdeConfig(Map.of("schema.registry.url", "http://x")).topicPrefix("p.").host("0.0.0.0").port(8080)
                .controlToken("steer").groupId("group").kafkaOverrides(Map.of("security.protocol", "SSL"))
                .readToken("look").allowedHosts(List.of("dash")).idleAfter(Duration.ofMinutes(3))
                .streamsUrl("http://streams").build();
        assertEquals(expected, built);
        assertEquals(expected, expected.toBuilder().build());
    }

    @Test
    void buildRunsTheRecordsChecks() {
        assertThrows(IllegalArgumentException.class, () -> DashboardSettings.builder("k:9092", "http://r")
                .port(70000).build());
        assertNull(DashboardSettings.builder("k:9092", "http://r").controlToken(" ").build().controlToken(),
                "a blank token means none");
    }
}
