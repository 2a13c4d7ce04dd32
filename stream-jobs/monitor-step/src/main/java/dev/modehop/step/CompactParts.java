package dev.modehop.step;

import dev.modehop.core.PendingCheckpoint;
import dev.modehop.core.ProcessedCheckpoint;
import dev.modehop.core.ProbeScore;
import dev.modehop.core.RunState;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The parts that nearly every record or checkpoint writes (a run's header, a checkpoint in flight, a result, what is
 * kept of a processed checkpoint) in a layout of their own: a reflective encoder's fixed cost per call was most of
 * what they cost (a header is written on every record). The layout is a marker byte, a kind byte, a layout version, then the fields in a fixed order (integers as
 * variable-length zig-zag numbers, doubles as their 8 bytes, strings as length and UTF-8, sorted steps as
 * differences). A field added later means a new version; a decoder reads every version it knows, and the
 * {@link PartCodec} reads Smile or JSON for anything else, so a store written before this layout still reads.
 */
final class CompactParts {
    /** First byte of a compact part: neither Smile's ':' nor any byte JSON text can start with. */
    static final byte MARKER = 0x01;
    private static final byte HEADER = 'h';
    private static final byte PENDING = 'p';
    private static final byte RESULT = 'r';
    private static final byte PROCESSED = 'd';
    private static final byte VERSION = 1;

    private CompactParts() {
    }

    /** Whether {@code part} has a compact layout (a header with checkpoints inline, an old state, has not). */
    static boolean handles(Object part) {
        return part instanceof PendingCheckpoint || part instanceof ProbeScore || part instanceof ProcessedCheckpoint
                || part instanceof RunState run && run.waiting == null;
    }

    static boolean isCompact(byte[] bytes) {
        return bytes.length >= 3 && bytes[0] == MARKER;
    }

    static byte[] encode(Object part) {
        Out out = new Out();
        out.b(MARKER);
        if (part instanceof RunState run) {
            out.b(HEADER).b(VERSION);
            header(out, run);
        } else if (part instanceof PendingCheckpoint pc) {
            out.b(PENDING).b(VERSION);
            pending(out, pc);
        } else if (part instanceof ProbeScore r) {
            out.b(RESULT).b(VERSION);
            result(out, r);
        } else if (part instanceof ProcessedCheckpoint done) {
            out.b(PROCESSED).b(VERSION);
            processed(out, done);
        } else {
            throw new IllegalArgumentException("no compact layout for a " + part.getClass().getSimpleName());
        }
        return out.bytes();
    }

    static <T> T decode(byte[] bytes, Class<T> type) {
        In in = new In(bytes);
        in.b();
        byte kind = in.b();
        byte version = in.b();
        if (version != VERSION) {
            throw new IllegalArgumentException("compact part of layout version " + version + ", this build reads " + VERSION);
        }
        Object part = switch (kind) {
            case HEADER -> header(in);
            case PENDING -> pending(in);
            case RESULT -> result(in);
            case PROCESSED -> processed(in);
            default -> throw new IllegalArgumentException("unknown compact part kind " + kind);
        };
        if (!type.isInstance(part)) {
            throw new IllegalArgumentException("stored part is a " + part.getClass().getSimpleName() + ", not a "
                    + type.getSimpleName());
        }
        if (in.left() != 0) {
            throw new IllegalArgumentException(in.left() + " bytes after a compact " + type.getSimpleName());
        }
        return type.cast(part);
    }

    private static void header(Out out, RunState run) {
        out.str(run.runId).bool(run.announced).num(run.eventTime).num(run.lastInputAt).num(run.lastProcessedStep)
                .bool(run.gapPending).num(run.skippedCheckpoints).num(run.duplicatesIgnored).num(run.lateCheckpoints)
                .num(run.parkedCount).num(run.firstParkedAt).steps(run.waitingSteps).steps(run.processed)
                .num(run.skipped.size());
        for (PendingCheckpoint pc : run.skipped.values()) {
            pending(out, pc);
        }
        out.bool(run.hasParts);
    }

    private static RunState header(In in) {
        RunState run = new RunState(in.str());
        run.announced = in.bool();
        run.eventTime = in.num();
        run.lastInputAt = in.num();
        run.lastProcessedStep = in.num();
        run.gapPending = in.bool();
        run.skippedCheckpoints = in.num();
        run.duplicatesIgnored = in.num();
        run.lateCheckpoints = in.num();
        run.parkedCount = (int) in.num();
        run.firstParkedAt = in.num();
        run.waitingSteps = in.steps();
        run.processed = in.steps();
        long skipped = in.count();
        run.skipped = new TreeMap<>();
        for (long i = 0; i < skipped; i++) {
            PendingCheckpoint pc = pending(in);
            run.skipped.put(pc.step, pc);
        }
        run.hasParts = in.bool();
        return run;
    }

    private static void pending(Out out, PendingCheckpoint pc) {
        out.num(pc.step).bool(pc.announced).num(pc.firstSeenAt).num(pc.lastSignOfLife).num(pc.expectedResults)
                .num(pc.resultCount).bool(pc.skipped).bool(pc.publishedLate);
    }

    private static PendingCheckpoint pending(In in) {
        PendingCheckpoint pc = new PendingCheckpoint();
        pc.step = in.num();
        pc.announced = in.bool();
        pc.firstSeenAt = in.num();
        pc.lastSignOfLife = in.num();
        pc.expectedResults = (int) in.num();
        pc.resultCount = (int) in.num();
        pc.skipped = in.bool();
        pc.publishedLate = in.bool();
        return pc;
    }

    private static void processed(Out out, ProcessedCheckpoint done) {
        out.num(done.step).num(done.taskKeys.size());
        for (String key : done.taskKeys) {
            out.str(key);
        }
        out.num(done.softScores.size());
        for (java.util.Map.Entry<String, Double> e : done.softScores.entrySet()) {
            out.str(e.getKey()).dbl(e.getValue());
        }
    }

    private static ProcessedCheckpoint processed(In in) {
        ProcessedCheckpoint done = new ProcessedCheckpoint();
        done.step = in.num();
        for (long i = in.count(); i > 0; i--) {
            done.taskKeys.add(in.str());
        }
        for (long i = in.count(); i > 0; i--) {
            done.softScores.put(in.str(), in.dbl());
        }
        return done;
    }

    private static void result(Out out, ProbeScore r) {
        out.str(r.runId()).num(r.step()).str(r.suite()).str(r.family()).str(r.task()).num(r.seedCount())
                .bool(r.items() != null);
        if (r.items() != null) {
            out.num(r.items());
        }
        out.dbl(r.hardAccuracy()).dbl(r.softScore()).bool(r.stderr() != null);
        if (r.stderr() != null) {
            out.dbl(r.stderr());
        }
        out.num(r.taskCount()).num(r.producedAt()).bytesOrNull(r.received());
    }

    private static ProbeScore result(In in) {
        String runId = in.str();
        long step = in.num();
        String suite = in.str();
        String family = in.str();
        String task = in.str();
        int seedCount = (int) in.num();
        Integer items = in.bool() ? (int) in.num() : null;
        double hard = in.dbl();
        double soft = in.dbl();
        Double stderr = in.bool() ? in.dbl() : null;
        int taskCount = (int) in.num();
        long producedAt = in.num();
        byte[] received = in.bytesOrNull();
        return new ProbeScore(runId, step, suite, family, task, seedCount, items, hard, soft, stderr, taskCount,
                producedAt, received);
    }

    /** A growing byte array. */
    private static final class Out {
        private byte[] buf = new byte[128];
        private int n;

        private void room(int more) {
            if (n + more > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, n + more));
            }
        }

        Out b(byte v) {
            room(1);
            buf[n++] = v;
            return this;
        }

        Out bool(boolean v) {
            return b((byte) (v ? 1 : 0));
        }

        /** Zig-zag, then 7 bits a byte, low bits first. */
        Out num(long v) {
            long z = (v << 1) ^ (v >> 63);
            room(10);
            while ((z & ~0x7FL) != 0) {
                buf[n++] = (byte) ((z & 0x7F) | 0x80);
                z >>>= 7;
            }
            buf[n++] = (byte) z;
            return this;
        }

        Out dbl(double v) {
            long bits = Double.doubleToRawLongBits(v);
            room(8);
            for (int i = 0; i < 8; i++) {
                buf[n++] = (byte) (bits >>> (8 * i));
            }
            return this;
        }

        /** -1 for null, else the UTF-8 length and bytes. */
        Out str(String s) {
            return bytesOrNull(s == null ? null : s.getBytes(StandardCharsets.UTF_8));
        }

        Out bytesOrNull(byte[] bytes) {
            if (bytes == null) {
                return num(-1);
            }
            num(bytes.length);
            room(bytes.length);
            System.arraycopy(bytes, 0, buf, n, bytes.length);
            n += bytes.length;
            return this;
        }

        /** Ascending steps: the count, the first, then each difference. */
        Out steps(TreeSet<Long> steps) {
            num(steps.size());
            long previous = 0;
            for (long s : steps) {
                num(s - previous);
                previous = s;
            }
            return this;
        }

        byte[] bytes() {
            return Arrays.copyOf(buf, n);
        }
    }

    /** Reads what {@link Out} wrote; a truncated or malformed part fails, never reads past its end. */
    private static final class In {
        private final byte[] buf;
        private int at;

        In(byte[] buf) {
            this.buf = buf;
        }

        int left() {
            return buf.length - at;
        }

        byte b() {
            if (at >= buf.length) {
                throw new IllegalArgumentException("compact part ends early at byte " + at);
            }
            return buf[at++];
        }

        boolean bool() {
            byte v = b();
            if (v != 0 && v != 1) {
                throw new IllegalArgumentException("not a boolean at byte " + (at - 1) + ": " + v);
            }
            return v == 1;
        }

        long num() {
            long z = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                byte v = b();
                z |= (long) (v & 0x7F) << shift;
                if (v >= 0) {
                    return (z >>> 1) ^ -(z & 1);
                }
            }
            throw new IllegalArgumentException("number longer than 10 bytes at byte " + at);
        }

        /** A count that must fit in what is left. */
        long count() {
            long c = num();
            if (c < 0 || c > left()) {
                throw new IllegalArgumentException("count " + c + " at byte " + at + " with " + left() + " bytes left");
            }
            return c;
        }

        double dbl() {
            long bits = 0;
            for (int i = 0; i < 8; i++) {
                bits |= (b() & 0xFFL) << (8 * i);
            }
            return Double.longBitsToDouble(bits);
        }

        String str() {
            byte[] bytes = bytesOrNull();
            return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
        }

        byte[] bytesOrNull() {
            long length = num();
            if (length == -1) {
                return null;
            }
            if (length < 0 || length > left()) {
                throw new IllegalArgumentException("length " + length + " at byte " + at + " with " + left() + " bytes left");
            }
            byte[] out = Arrays.copyOfRange(buf, at, at + (int) length);
            at += (int) length;
            return out;
        }

        TreeSet<Long> steps() {
            long count = count();
            TreeSet<Long> steps = new TreeSet<>();
            long s = 0;
            for (long i = 0; i < count; i++) {
                s += num();
                steps.add(s);
            }
            return steps;
        }
    }
}
