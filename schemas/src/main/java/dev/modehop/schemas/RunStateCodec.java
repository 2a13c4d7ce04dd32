package dev.modehop.schemas;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.modehop.core.RunState;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Stores a run's monitor state as JSON, for both engines (a Kafka Streams store value, a Flink state
 * value). JSON keeps stored state readable and lets fields be added without breaking old state.
 */
public final class RunStateCodec {
    private static final ObjectMapper JSON = new ObjectMapper()
            .setVisibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE)
            .setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(SerializationFeature.FAIL_ON_EMPTY_BEANS, false);

    private RunStateCodec() {
    }

    public static byte[] encode(RunState state) {
        try {
            return JSON.writeValueAsBytes(state);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode the state of run " + state.runId, e);
        }
    }

    public static RunState decode(byte[] bytes) {
        try {
            return JSON.readValue(bytes, RunState.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot decode a stored run state", e);
        }
    }

    /** The mapper, for adapters that serve the same state as JSON (queries, dashboards). */
    public static ObjectMapper json() {
        return JSON;
    }
}
