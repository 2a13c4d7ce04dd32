package dev.modehop.bench;

import java.util.Arrays;

/** Entry point: {@code mvn -pl bench exec:java -Dexec.args="detection|streams [options]"}. */
public final class Benchmarks {
    private Benchmarks() {
    }

    public static void main(String[] args) throws Exception {
        String which = args.length == 0 ? "help" : args[0];
        String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
        switch (which) {
            case "detection" -> DetectionBenchmark.main(rest);
            case "streams" -> StreamsBenchmark.main(rest);
            default -> {
                System.out.println("usage: Benchmarks detection | streams [--runs N --families F --checkpoints C]");
                System.out.println("  detection  quality of hop and change-point detection on synthetic histories");
                System.out.println("  streams    Kafka Streams job vs raw pass-through on the in-process broker");
            }
        }
    }
}
