package dev.modehop.ops;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * One topic as it should exist on the cluster: physical name, partition count, replication factor and
 * topic-level configs (retention as {@code retention.ms}, plus anything the topics file lists).
 */
public record TopicSpec(String name, int partitions, short replicationFactor, Map<String, String> configs) {

    public TopicSpec {
        if (partitions <= 0) {
            throw new IllegalArgumentException(name + ": partitions must be positive, got " + partitions);
        }
        if (replicationFactor <= 0) {
            throw new IllegalArgumentException(name + ": replication factor must be positive, got " + replicationFactor);
        }
        configs = Collections.unmodifiableMap(new TreeMap<>(configs));
    }

    public TopicSpec withName(String newName) {
        return new TopicSpec(newName, partitions, replicationFactor, configs);
    }

    public TopicSpec withReplicationFactor(short rf) {
        return new TopicSpec(name, partitions, rf, configs);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(name).append(" (partitions=").append(partitions)
                .append(", replicationFactor=").append(replicationFactor);
        configs.forEach((k, v) -> sb.append(", ").append(k).append('=').append(v));
        return sb.append(')').toString();
    }
}
