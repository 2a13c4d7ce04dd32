package dev.modehop.streams;

import dev.modehop.core.Output;

/** Lets a service count what the job does (metrics) without the topology knowing about metrics. */
public interface ProcessingListener {
    ProcessingListener NONE = new ProcessingListener() {
    };

    default void onInput(String topic) {
    }

    default void onOutput(Output output, String topic) {
    }

    default void onDeadLetter(String sourceTopic, String reason) {
    }
}
