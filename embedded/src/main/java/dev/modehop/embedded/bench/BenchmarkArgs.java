package dev.modehop.embedded.bench;

/** The benchmarks' {@code --name value} options. */
public final class BenchmarkArgs {
    private BenchmarkArgs() {
    }

    public static String stringArg(String[] args, String name, String fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }

    public static int intArg(String[] args, String name, int fallback) {
        return Integer.parseInt(stringArg(args, name, Integer.toString(fallback)));
    }
}
