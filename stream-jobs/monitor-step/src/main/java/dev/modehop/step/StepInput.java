package dev.modehop.step;

import org.apache.kafka.common.header.Headers;

/**
 * One input record as it came off Kafka: raw key and value bytes (so a dead letter keeps them), headers,
 * where it was read and its record timestamp, which the outputs it causes carry.
 */
public record StepInput(String topic, int partition, long offset, long timestamp, String key, byte[] value,
                        Headers headers) {
}
