package dev.modehop.schemas;

import org.apache.kafka.common.serialization.Serde;

/** One topic: its name and the serdes of its keys (run ids) and values. Its dead letters go to {@link #dlq()}. */
public record Topic<V>(String name, Serde<String> keySerde, Serde<V> valueSerde) {

    public String dlq() {
        return name + ".dlq";
    }
}
