package dev.modehop.flink;

import dev.modehop.step.PartCache;
import dev.modehop.step.RunStore;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.MapState;

/** The current key's (run's) parts in a Flink map state, name to bytes. */
final class FlinkRunStore implements RunStore {
    private final MapState<String, byte[]> parts;
    private final PartCache decoded;
    private String run = "";

    /** @param decoded the subtask's cache of decoded parts (the heap backend hands out the stored arrays) */
    FlinkRunStore(MapState<String, byte[]> parts, PartCache decoded) {
        this.parts = parts;
        this.decoded = decoded;
    }

    /** Names the run (the current key) the next calls are about, for the keys of the decoded parts. */
    FlinkRunStore of(String runKey) {
        this.run = runKey;
        return this;
    }

    @Override
    public PartCache decoded() {
        return decoded;
    }

    @Override
    public String decodedKey(String name) {
        return run.length() + ":" + run + name;
    }

    @Override
    public byte[] get(String name) {
        try {
            return parts.get(name);
        } catch (Exception e) {
            throw new IllegalStateException("cannot read run state part " + name, e);
        }
    }

    @Override
    public void put(String name, byte[] value) {
        try {
            parts.put(name, value);
        } catch (Exception e) {
            throw new IllegalStateException("cannot write run state part " + name, e);
        }
    }

    @Override
    public void delete(String name) {
        try {
            parts.remove(name);
        } catch (Exception e) {
            throw new IllegalStateException("cannot delete run state part " + name, e);
        }
    }

    @Override
    public List<String> names(String prefix) {
        List<String> names = new ArrayList<>();
        try {
            for (String name : parts.keys()) {
                if (name.startsWith(prefix)) {
                    names.add(name);
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot list run state parts", e);
        }
        names.sort(null);
        return names;
    }
}
