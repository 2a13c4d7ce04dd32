package dev.modehop.embedded.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class WorkloadTest {
    @Test
    void everyFamilyHopsOncePerTenCheckpointsShiftedPerRunAndFamily() {
        // run 0, family 0: 0.95 for checkpoints 1-9, 0.05 for 10-19, ... so flips at 10, 20, 30, 40
        assertEquals(4, new Workload(1, 1, 40).hops());
        assertEquals(3, new Workload(1, 1, 39).hops());
        // family 1 of run 0 is shifted by one: flips at 9, 19, 29, 39
        assertEquals(0.95, Workload.accuracy(8, 0, 1));
        assertEquals(0.05, Workload.accuracy(9, 0, 1));
        assertEquals(32, new Workload(2, 4, 40).hops());
        assertEquals(0, new Workload(3, 2, 1).hops());
    }

    @Test
    void countsInputsAndObservations() {
        Workload w = new Workload(8, 4, 40);
        assertEquals(8 * 40 * 5, w.events());
        assertEquals(8 * 40 * 4, w.observations());
    }

    @Test
    void pacedWorkloadIsAQuarterOfTheRunsAndAtMostSixtyCheckpointsUnlessAsked() {
        Workload load = Workload.throughput(new String[] {"--runs", "8", "--checkpoints", "100"});
        assertEquals(new Workload(8, 4, 100), load);
        assertEquals(new Workload(2, 4, 60), Workload.paced(new String[0], load));
        assertEquals(new Workload(2, 4, 300), Workload.paced(new String[] {"--paced-checkpoints", "300"}, load));
        assertEquals(new Workload(1, 4, 10), Workload.paced(new String[0], new Workload(3, 4, 10)));
    }
}
