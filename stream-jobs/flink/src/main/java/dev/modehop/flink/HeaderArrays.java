package dev.modehop.flink;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/** Kafka headers as the two parallel arrays the Flink records carry (POJO fields Flink serializes itself). */
final class HeaderArrays {
    final String[] keys;
    final byte[][] values;

    private HeaderArrays(String[] keys, byte[][] values) {
        this.keys = keys;
        this.values = values;
    }

    static HeaderArrays of(Headers headers) {
        Header[] all = headers == null ? new Header[0] : headers.toArray();
        String[] keys = new String[all.length];
        byte[][] values = new byte[all.length][];
        for (int i = 0; i < all.length; i++) {
            keys[i] = all[i].key();
            values[i] = all[i].value();
        }
        return new HeaderArrays(keys, values);
    }

    static Headers toHeaders(String[] keys, byte[][] values) {
        RecordHeaders h = new RecordHeaders();
        for (int i = 0; i < keys.length; i++) {
            h.add(keys[i], values[i]);
        }
        return h;
    }
}
