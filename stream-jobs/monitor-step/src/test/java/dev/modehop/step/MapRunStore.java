package dev.modehop.step;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/** A run's parts in a sorted map, counting the bytes written to it. */
final class MapRunStore implements RunStore {
    final TreeMap<String, byte[]> parts = new TreeMap<>();
    long bytesWritten;

    @Override
    public byte[] get(String name) {
        return parts.get(name);
    }

    @Override
    public void put(String name, byte[] value) {
        parts.put(name, value);
        bytesWritten += value.length;
    }

    @Override
    public void delete(String name) {
        parts.remove(name);
    }

    @Override
    public List<String> names(String prefix) {
        List<String> names = new ArrayList<>();
        for (String name : parts.tailMap(prefix, true).keySet()) {
            if (!name.startsWith(prefix)) {
                break;
            }
            names.add(name);
        }
        return names;
    }
}
