package dev.modehop.step;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * A probe score as it came off Kafka, kept in the run's state while the monitor holds it back for a run not yet
 * announced: its value bytes, its headers and where it was read. A score given up goes to the dead-letter topic
 * exactly as it arrived (the producer's headers included, the source position in the dead-letter headers), as
 * every other dead letter does.
 *
 * <p>Core keeps these bytes opaque ({@code ProbeScore.received}). They start with {@link #MAGIC}; state written
 * before held-back scores kept their headers holds the bare value bytes, which {@link #unwrap} returns as they are,
 * with no headers and no position.
 *
 * @param value     the record's value bytes
 * @param headers   the record's headers (empty for none)
 * @param partition the partition it was read from, -1 when unknown
 * @param offset    its offset there, -1 when unknown
 */
public record HeldBackScore(byte[] value, Headers headers, int partition, long offset) {
    /** "MHB" and a format version; the wire formats modehop reads (Confluent's, Apicurio's) start with 0. */
    static final byte[] MAGIC = {'M', 'H', 'B', 1};

    /** The bytes core keeps for a probe score read as {@code in}. */
    public static byte[] wrap(StepInput in) {
        Header[] headers = in.headers() == null ? new Header[0] : in.headers().toArray();
        byte[][] keys = new byte[headers.length][];
        int size = MAGIC.length + Integer.BYTES + Long.BYTES + Integer.BYTES;
        for (int i = 0; i < headers.length; i++) {
            keys[i] = headers[i].key().getBytes(StandardCharsets.UTF_8);
            size += 2 * Integer.BYTES + keys[i].length + (headers[i].value() == null ? 0 : headers[i].value().length);
        }
        byte[] value = in.value() == null ? new byte[0] : in.value();
        ByteBuffer b = ByteBuffer.allocate(size + value.length);
        b.put(MAGIC).putInt(in.partition()).putLong(in.offset()).putInt(headers.length);
        for (int i = 0; i < headers.length; i++) {
            byte[] v = headers[i].value();
            b.putInt(keys[i].length).put(keys[i]).putInt(v == null ? -1 : v.length);
            if (v != null) {
                b.put(v);
            }
        }
        return b.put(value).array();
    }

    /** What {@link #wrap} kept; bytes without the magic are a bare value from older state. */
    public static HeldBackScore unwrap(byte[] kept) {
        if (kept.length < MAGIC.length || !Arrays.equals(kept, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            return new HeldBackScore(kept, new RecordHeaders(), -1, -1);
        }
        ByteBuffer b = ByteBuffer.wrap(kept, MAGIC.length, kept.length - MAGIC.length);
        int partition = b.getInt();
        long offset = b.getLong();
        int count = b.getInt();
        RecordHeaders headers = new RecordHeaders();
        for (int i = 0; i < count; i++) {
            byte[] key = new byte[b.getInt()];
            b.get(key);
            int length = b.getInt();
            byte[] v = null;
            if (length >= 0) {
                v = new byte[length];
                b.get(v);
            }
            headers.add(new String(key, StandardCharsets.UTF_8), v);
        }
        byte[] value = new byte[b.remaining()];
        b.get(value);
        return new HeldBackScore(value, headers, partition, offset);
    }
}
