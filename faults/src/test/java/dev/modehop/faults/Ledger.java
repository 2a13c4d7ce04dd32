package dev.modehop.faults;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Owed against seen, per kind of output: lost, duplicated and unexpected ids. */
record Ledger(String kind, int owed, int seen, List<String> lost, List<String> duplicated, List<String> unexpected) {

    static Ledger of(String kind, Set<String> owed, List<String> seenIds) {
        Set<String> distinct = new HashSet<>();
        List<String> duplicated = new ArrayList<>();
        for (String id : seenIds) {
            if (!distinct.add(id)) {
                duplicated.add(id);
            }
        }
        Set<String> lost = new TreeSet<>(owed);
        lost.removeAll(distinct);
        Set<String> unexpected = new TreeSet<>(distinct);
        unexpected.removeAll(owed);
        return new Ledger(kind, owed.size(), seenIds.size(), List.copyOf(lost), duplicated, List.copyOf(unexpected));
    }

    boolean clean() {
        return lost.isEmpty() && duplicated.isEmpty() && unexpected.isEmpty();
    }

    @Override
    public String toString() {
        return kind + ": " + owed + " owed, " + seen + " seen, " + lost.size() + " lost, " + duplicated.size()
                + " duplicated, " + unexpected.size() + " unexpected"
                + (clean() ? "" : " (lost " + head(lost) + ", duplicated " + head(duplicated) + ", unexpected "
                + head(unexpected) + ")");
    }

    private static List<String> head(List<String> ids) {
        return ids.subList(0, Math.min(5, ids.size()));
    }
}
