package dev.modehop.probes.en;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modehop.probes.SuiteRow;
import dev.modehop.probes.ProbeSuiteException;
import dev.modehop.probes.SuiteGenerator;
import dev.modehop.probes.SuiteSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The {@code starter-en} suite: the six families of the paper, in English, from our own templates
 * ({@code probes/starter-en/templates/<family>.json}) and generator code. Each choice family has four tasks
 * (two for flipped); questions per task = ceil(itemsPerFamily / tasks). The ICL families have
 * {@code seeds} resamples of their demos; intuitive is zero-shot with one seed. The sixth, {@code persona}, is
 * generative ({@link PersonaFamily}): one invented persona, its questions on {@code seeds} fact orders.
 *
 * <p>Params: {@code itemsPerFamily} (default 240), {@code seeds} (default 4), {@code shots.<family>}.
 */
public final class StarterEnGenerator implements SuiteGenerator {
    public static final String KEY = "starter-en";

    private record Family(String name, int tasks, int defaultShots, boolean icl,
                          Function<FamilyContext, List<? extends SuiteRow>> generator) {
    }

    private static final List<Family> FAMILIES = List.of(
            new Family("flipped", 2, 16, true, FlippedFamily::generate),
            new Family("repetitive", 4, 8, true, RepetitiveFamily::generate),
            new Family("successive", 4, 10, true, SuccessiveFamily::generate),
            new Family("truthy", 4, 16, true, TruthyFamily::generate),
            new Family("intuitive", 4, 0, false, IntuitiveFamily::generate),
            new Family("persona", 1, 0, true, PersonaFamily::generate));

    @Override
    public List<SuiteRow> generate(SuiteSpec spec) {
        int perFamily = spec.intParam("itemsPerFamily", 240);
        int seeds = spec.intParam("seeds", 4);
        ObjectMapper json = new ObjectMapper();
        List<SuiteRow> out = new ArrayList<>();
        for (Family f : FAMILIES) {
            Path file = spec.folder().resolve("templates").resolve(f.name() + ".json");
            JsonNode templates;
            try {
                templates = json.readTree(file.toFile());
            } catch (IOException e) {
                throw new ProbeSuiteException(file + ": cannot read templates: " + e.getMessage(), e);
            }
            int shots = f.icl() ? spec.params().path("shots").path(f.name()).asInt(f.defaultShots()) : 0;
            int perTask = (perFamily + f.tasks() - 1) / f.tasks();
            FamilyContext ctx = new FamilyContext(f.name(), templates, file, spec.seed(), perTask,
                    f.icl() ? seeds : 1, shots);
            out.addAll(f.generator().apply(ctx));
        }
        return out;
    }
}
