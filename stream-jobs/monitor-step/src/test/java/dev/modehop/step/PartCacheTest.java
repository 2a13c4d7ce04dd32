package dev.modehop.step;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** What a call leaves in the cache: parts it only read go, parts it wrote stay, whatever else changed meanwhile. */
class PartCacheTest {
    private final Map<String, byte[]> stored = new HashMap<>();
    private final PartCache writingBack = PartCache.writingBack(64, stored::put);
    private final List<Object> reads = new ArrayList<>();

    @Test
    void aPartOnlyReadIsForgottenWhenTheCallEnds() {
        writingBack.decoded("run/a", new byte[] {1}, "a", reads);
        assertEquals("a", writingBack.kept("run/a", reads));
        writingBack.forgetUnwritten(reads);
        assertNull(writingBack.kept("run/a", reads), "read and not written: decoded from the store next time");
        assertTrue(reads.isEmpty());
    }

    @Test
    void aPartReadThenWrittenStaysHeldAndReachesTheStore() {
        writingBack.decoded("run/a", new byte[] {1}, "a", reads);
        assertTrue(writingBack.holdBackKnown("run/a", "a2", PartCodec.json()));
        writingBack.forgetUnwritten(reads);
        assertEquals("a2", writingBack.kept("run/a", reads));
        assertEquals(1, writingBack.writeBack());
        assertEquals("\"a2\"", new String(stored.get("run/a")));
    }

    @Test
    void aWrittenPartReadAgainInALaterCallIsForgottenOnceStored() {
        writingBack.decoded("run/a", new byte[] {1}, "a", reads);
        writingBack.holdBackKnown("run/a", "a2", PartCodec.json());
        writingBack.forgetUnwritten(reads);
        writingBack.writeBack();
        // next call: read only; what is kept is exactly what the store has, and a read-only part goes at the end
        assertEquals("a2", writingBack.kept("run/a", reads));
        writingBack.forgetUnwritten(reads);
        assertNull(writingBack.kept("run/a", reads));
    }

    @Test
    void aHeldPartOnlyReadInALaterCallStaysHeld() {
        writingBack.absent("run/a");
        writingBack.holdBackKnown("run/a", "a", PartCodec.json());
        writingBack.forgetUnwritten(reads);
        assertEquals("a", writingBack.kept("run/a", reads));
        writingBack.forgetUnwritten(reads);
        assertEquals("a", writingBack.kept("run/a", reads), "held back: not yet in the store, so it must stay");
        assertEquals(1, writingBack.held());
    }

    @Test
    void anEntryReplacedAfterItWasReadIsNotForgottenForIt() {
        writingBack.decoded("run/a", new byte[] {1}, "a", reads);
        writingBack.forget("run/a");
        writingBack.holdBack("run/a", "b", PartCodec.json(), true);
        writingBack.forgetUnwritten(reads);
        assertEquals("b", writingBack.kept("run/a", reads));
    }

    @Test
    void aCallThatNeverEndedDoesNotKeepALaterCallFromForgettingWhatItRead() {
        List<Object> aborted = new ArrayList<>();
        writingBack.decoded("run/a", new byte[] {1}, "a", aborted);
        // that call ended by an exception before its end: its list is dropped, never passed to forgetUnwritten
        assertEquals("a", writingBack.kept("run/a", reads));
        writingBack.forgetUnwritten(reads);
        assertNull(writingBack.kept("run/a", reads));
    }

    @Test
    void holdingBackAnUnknownKeyDoesNothingAndSaysSo() {
        assertFalse(writingBack.holdBackKnown("run/x", "x", PartCodec.json()));
        assertNull(writingBack.kept("run/x", reads));
        assertEquals(0, writingBack.held());
    }

    @Test
    void aCheckingCacheDecodesAgainAfterACallThatOnlyRead() {
        PartCache checking = new PartCache(64);
        AtomicInteger decodes = new AtomicInteger();
        Function<byte[], String> decode = b -> {
            decodes.incrementAndGet();
            return "v" + b[0];
        };
        byte[] bytes = {7};
        assertEquals("v7", checking.read("run/a", bytes, decode, reads));
        assertEquals("v7", checking.read("run/a", bytes, decode, reads));
        assertEquals(1, decodes.get(), "within a call the decoded part is used again");
        checking.forgetUnwritten(reads);
        checking.read("run/a", bytes, decode, reads);
        assertEquals(2, decodes.get(), "a part only read is not trusted beyond its call");

        // written through: what the store now holds is kept past the call's end
        byte[] written = {8};
        String part = "v8";
        checking.wrote("run/a", written, part);
        checking.forgetUnwritten(reads);
        assertSame(part, checking.read("run/a", written, decode, reads));
        assertEquals(2, decodes.get());
    }
}
