package dev.modehop.scorer.checkpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Recognizes the weight formats training jobs write, so that a folder the scorer cannot read is refused with
 * what it is and how to turn it into HF safetensors, instead of "model.safetensors is missing".
 */
public final class CheckpointFormat {
    private static final String HF_CONVERT = "python -c \"from transformers import AutoModelForCausalLM as M; "
            + "M.from_pretrained('%s').save_pretrained('%s-safetensors', safe_serialization=True)\"";

    private CheckpointFormat() {
    }

    /** Returns normally when the folder has safetensors weights; otherwise throws naming the format found. */
    public static void requireSafetensors(Path folder) {
        if (Files.isRegularFile(folder.resolve(SafetensorsCheckpoint.SINGLE_FILE))
                || Files.isRegularFile(folder.resolve(SafetensorsCheckpoint.INDEX_FILE))) {
            return;
        }
        refuseOtherFormats(folder);
        throw new CheckpointException(folder.resolve(SafetensorsCheckpoint.SINGLE_FILE), "file is missing (and there"
                + " is no " + SafetensorsCheckpoint.INDEX_FILE + ")");
    }

    /**
     * Throws naming the format when the folder holds weights in a format the scorer does not read (checked before
     * config.json, which DCP folders usually lack); returns normally otherwise.
     */
    public static void refuseOtherFormats(Path folder) {
        List<String> names = names(folder);
        String convert = String.format(HF_CONVERT, folder, folder.getFileName());
        if (names.contains("pytorch_model.bin") || names.contains("pytorch_model.bin.index.json")
                || names.stream().anyMatch(n -> n.startsWith("pytorch_model-") && n.endsWith(".bin"))) {
            throw new CheckpointException(folder, "holds PyTorch .bin weights (pytorch_model*.bin), which the scorer"
                    + " does not unpickle; convert them to safetensors once: " + convert);
        }
        if (names.contains(".metadata") && names.stream().anyMatch(n -> n.endsWith(".distcp"))) {
            throw new CheckpointException(folder, "is a torch.distributed.checkpoint (DCP) folder (.metadata and"
                    + " *.distcp shards): export it to an HF folder first, with your trainer's HF conversion script"
                    + " (OLMo-core, torchtitan and Megatron ship one) or with torch.distributed.checkpoint.format_utils"
                    + ".dcp_to_torch_save followed by loading the state dict into the HF model and save_pretrained("
                    + "safe_serialization=True)");
        }
        if (names.stream().anyMatch(n -> n.endsWith(".pt") || n.endsWith(".pth") || n.endsWith(".ckpt"))) {
            throw new CheckpointException(folder, "holds a raw PyTorch state dict (*.pt / *.pth / *.ckpt), not an HF"
                    + " folder: load it into the matching transformers model and save_pretrained(safe_serialization"
                    + "=True), or use transformers' convert_*_weights_to_hf script for the family");
        }
        if (names.stream().anyMatch(n -> n.endsWith(".gguf"))) {
            throw new CheckpointException(folder, "holds GGUF weights; the scorer reads HF safetensors folders (the"
                    + " original HF checkpoint, or transformers' from_pretrained(gguf_file=...) then save_pretrained)");
        }
    }

    private static List<String> names(Path folder) {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder, e);
        }
    }
}
