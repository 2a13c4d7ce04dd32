package dev.modehop.step;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Encodes the stored parts of a run (header, series entries, results, extras) as JSON, for both engines. Each
 * part is small (a series entry is bounded by the stability window), so JSON keeps stored state readable and
 * lets fields be added, by the detectors too, without breaking old state.
 */
public final class PartCodec {
    private static final ObjectMapper JSON = new ObjectMapper()
            .setVisibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE)
            .setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(SerializationFeature.FAIL_ON_EMPTY_BEANS, false);

    private PartCodec() {
    }

    public static byte[] encode(Object part) {
        try {
            return JSON.writeValueAsBytes(part);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a " + part.getClass().getSimpleName(), e);
        }
    }

    public static <T> T decode(byte[] bytes, Class<T> type) {
        try {
            return JSON.readValue(bytes, type);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot decode a stored " + type.getSimpleName(), e);
        }
    }

    /** The mapper, for adapters that serve the same state as JSON (queries, dashboards). */
    public static ObjectMapper json() {
        return JSON;
    }
}
