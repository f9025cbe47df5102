package deeptensor.cli;

import deeptensor.model.CP;
import deeptensor.model.ModelSpec;
import deeptensor.model.TensorTrain;
import deeptensor.model.Tucker;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code --model tucker|cp|tt|auto} with {@code --depth L}: {@code auto} (the default) leaves the
 * choice to {@link deeptensor.Completion}'s default recipe, which chooses its own depth, so a depth
 * with it is refused; an explicit model without {@code --depth} has depth {@value #DEFAULT_DEPTH}.
 *
 * @param name  the model's name as given: {@code auto}, {@code tucker}, {@code cp} or {@code tt}
 * @param depth the depth, or 0 for the default
 */
record ModelChoice(String name, int depth) {

    /** Depth of an explicit model when {@code --depth} is not given. */
    static final int DEFAULT_DEPTH = 2;

    static ModelChoice parse(Optional<String> model, Optional<String> depth) throws Main.UsageException {
        String name = model.orElse("auto").toLowerCase(Locale.ROOT);
        if (!name.equals("auto") && !name.equals("tucker") && !name.equals("cp") && !name.equals("tt")) {
            throw new Main.UsageException("--model must be tucker, cp, tt or auto, got '" + model.orElseThrow() + "'");
        }
        if (depth.isEmpty()) {
            return new ModelChoice(name, 0);
        }
        if (name.equals("auto")) {
            throw new Main.UsageException("--depth needs an explicit --model (tucker, cp or tt): the default model chooses its own depth");
        }
        int layers;
        try {
            layers = Integer.parseInt(depth.orElseThrow().strip());
        } catch (NumberFormatException notANumber) {
            layers = 0;
        }
        if (layers < 1 || layers > 16) {
            throw new Main.UsageException("--depth must be a whole number from 1 to 16, got '" + depth.orElseThrow() + "'");
        }
        return new ModelChoice(name, layers);
    }

    /** The model to fit, or empty for the library's default. */
    Optional<ModelSpec> spec() {
        int layers = depth == 0 ? DEFAULT_DEPTH : depth;
        return switch (name) {
            case "tucker" -> Optional.of(layers == 1 ? Tucker.shallow() : Tucker.deep(layers));
            case "cp" -> Optional.of(layers == 1 ? CP.shallow() : CP.deep(layers));
            case "tt" -> Optional.of(layers == 1 ? TensorTrain.shallow() : TensorTrain.deep(layers));
            default -> Optional.empty();
        };
    }
}
