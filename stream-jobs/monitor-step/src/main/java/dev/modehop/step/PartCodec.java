package dev.modehop.step;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.smile.SmileFactory;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Encodes the stored parts of a run (header, series entries, hops, results, windows, ranking), the same way for
 * both engines. The object model is the same for both encodings (fields, so whatever the detectors add to
 * their state travels with it; unknown fields ignored, so fields can be added without breaking old state):
 * Smile, Jackson's binary JSON, by default (doubles as raw bits instead of decimal text, repeated field names
 * written once; in the step benchmark JSON text was most of a record's cost), or JSON text for readability. By
 * default the parts written most (header, checkpoint in flight, result, series, hops) take a hand-written layout
 * ({@link CompactParts}). Decoding recognises each by its first bytes, so a store written with one reads with the
 * others.
 */
public final class PartCodec {
    private static final PartCodec BINARY = new PartCodec(mapper(new ObjectMapper(new SmileFactory())));
    private static final PartCodec JSON = new PartCodec(mapper(new ObjectMapper()));

    private final ObjectMapper mapper;

    private PartCodec(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    private static ObjectMapper mapper(ObjectMapper m) {
        return m.setVisibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE)
                .setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY)
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                .configure(SerializationFeature.FAIL_ON_EMPTY_BEANS, false);
    }

    /** Smile (binary JSON): the default. */
    public static PartCodec binary() {
        return BINARY;
    }

    /** JSON text. */
    public static PartCodec json() {
        return JSON;
    }

    public byte[] encode(Object part) {
        if (this == BINARY && CompactParts.handles(part)) {
            byte[] compact = CompactParts.encode(part);
            if (compact != null) {
                return compact;
            }
        }
        try {
            return mapper.writeValueAsBytes(part);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a " + part.getClass().getSimpleName(), e);
        }
    }

    public static <T> T decode(byte[] bytes, Class<T> type) {
        if (CompactParts.isCompact(bytes)) {
            try {
                return CompactParts.decode(bytes, type);
            } catch (IllegalArgumentException e) {
                throw new UncheckedIOException("cannot decode a stored " + type.getSimpleName(),
                        new IOException(e.getMessage(), e));
            }
        }
        try {
            return reader(bytes).readValue(bytes, type);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot decode a stored " + type.getSimpleName(), e);
        }
    }

    @SuppressWarnings("unchecked")
    public static <T> T decode(byte[] bytes, TypeReference<T> type) {
        if (CompactParts.isCompact(bytes)) {
            Class<?> raw = type.getType() instanceof java.lang.reflect.ParameterizedType p
                    ? (Class<?>) p.getRawType() : (Class<?>) type.getType();
            return (T) decode(bytes, raw);
        }
        try {
            return reader(bytes).readValue(bytes, type);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot decode a stored " + type.getType(), e);
        }
    }

    /** Smile data starts with ":)\n". */
    private static ObjectMapper reader(byte[] bytes) {
        boolean smile = bytes.length >= 3 && bytes[0] == ':' && bytes[1] == ')' && bytes[2] == '\n';
        return smile ? BINARY.mapper : JSON.mapper;
    }

    /** The JSON text mapper, for adapters that serve the same objects as JSON (queries, dashboards). */
    public static ObjectMapper jsonMapper() {
        return JSON.mapper;
    }
}
