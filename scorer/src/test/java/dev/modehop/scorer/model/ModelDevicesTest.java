package dev.modehop.scorer.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class ModelDevicesTest {
    @Test
    void cpuAndAutoResolveAndNonsenseIsRefused() {
        assertEquals(Device.cpu(), ModelDevices.device("cpu"));
        Device auto = ModelDevices.device("auto");
        assertEquals(Engine.getInstance().getGpuCount() > 0 ? Device.gpu() : Device.cpu(), auto);
        assertThrows(IllegalArgumentException.class, () -> ModelDevices.device("tpu"));
        assertThrows(IllegalArgumentException.class, () -> ModelDevices.device("cuda:x"));
    }

    @Test
    void aGpuTheEngineDoesNotSeeIsRefusedAtOnceWithWhatToCheck() {
        int gpus = Engine.getInstance().getGpuCount();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelDevices.device("cuda:" + gpus));
        assertTrue(e.getMessage().contains("sees " + gpus + " GPU(s)") && e.getMessage().contains("--device cpu"),
                e.getMessage());
        Assumptions.assumeTrue(gpus == 0, "this machine has a GPU: plain 'cuda' is valid here");
        assertThrows(IllegalArgumentException.class, () -> ModelDevices.device("cuda"));
    }
}
