package deeptensor.cli;

import deeptensor.tensor.Shape;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The arguments of {@code deeptensor complete}, checked.
 *
 * @param input         the file of observed entries
 * @param output        the {@code .npy} file to write
 * @param shape         the shape given with {@code --shape}, if any
 * @param indexBase     {@code --index-base}: what the first index of a {@code .tns}/{@code .csv} file is (default 1)
 * @param seed          {@code --seed} (default 0)
 * @param model         {@code --model} and {@code --depth}
 * @param threads       {@code --threads}, if given (applied by {@link Main} before the kernels load)
 * @param maxTime       {@code --max-time}, if given
 * @param report        {@code --report}, if given
 * @param preview       {@code --preview}, if given
 * @param saveModel     {@code --save-model}, if given: where the fitted model is saved
 * @param refitObserved {@code --refit-observed}: write the model's values at observed entries too
 * @param quiet         {@code --quiet}: no progress and no summary
 */
record CompleteOptions(Path input, Path output, Optional<Shape> shape, int indexBase, long seed, ModelChoice model, Optional<Integer> threads,
                       Optional<Duration> maxTime, Optional<Path> report, Optional<Path> preview, Optional<Path> saveModel, boolean refitObserved,
                       boolean quiet) {

    static final Arguments.Spec SPEC = new Arguments.Spec("complete")
            .valued("--output", "-o").valued("--shape").valued("--index-base").valued("--seed").valued("--model").valued("--depth")
            .valued("--threads").valued("--max-time").valued("--report").valued("--preview").valued("--save-model")
            .flag("--refit-observed").flag("--quiet");

    static CompleteOptions parse(List<String> words) throws Main.UsageException {
        Arguments args = SPEC.parse(words);
        List<String> files = args.positionals();
        if (files.isEmpty()) {
            throw new Main.UsageException("complete needs an input file: deeptensor complete INPUT -o OUTPUT.npy");
        }
        if (files.size() > 1) {
            throw new Main.UsageException("complete takes one input file, got '" + files.get(0) + "' and '" + files.get(1) + "'");
        }
        Path output = Path.of(args.value("--output").orElseThrow(
                () -> new Main.UsageException("complete needs an output file: -o OUTPUT.npy")));
        Optional<Shape> shape = args.value("--shape").isPresent()
                ? Optional.of(ShapeArgument.parse("--shape", args.value("--shape").orElseThrow())) : Optional.empty();
        int indexBase = parseIndexBase(args.value("--index-base"));
        long seed = 0;
        if (args.value("--seed").isPresent()) {
            seed = Main.parseLong("--seed", args.value("--seed").orElseThrow());
        }
        Optional<Integer> threads = args.value("--threads").isPresent()
                ? Optional.of(Main.parseThreads(args.value("--threads").orElseThrow())) : Optional.empty();
        Optional<Duration> maxTime = args.value("--max-time").isPresent()
                ? Optional.of(DurationArgument.parse("--max-time", args.value("--max-time").orElseThrow())) : Optional.empty();
        return new CompleteOptions(Path.of(files.get(0)), output, shape, indexBase, seed,
                ModelChoice.parse(args.value("--model"), args.value("--depth")), threads, maxTime,
                args.value("--report").map(Path::of), args.value("--preview").map(Path::of), args.value("--save-model").map(Path::of),
                args.flag("--refit-observed"), args.flag("--quiet"));
    }

    /** {@code --index-base}: 0 or 1; 1 (FROSTT's convention) when not given. */
    static int parseIndexBase(Optional<String> given) throws Main.UsageException {
        if (given.isEmpty()) {
            return 1;
        }
        return switch (given.orElseThrow().strip()) {
            case "0" -> 0;
            case "1" -> 1;
            default -> throw new Main.UsageException("--index-base must be 0 or 1 (the first index of a .tns or .csv file), got '"
                    + given.orElseThrow() + "'");
        };
    }

    Fitting.Settings settings() {
        return new Fitting.Settings(seed, model, maxTime);
    }
}
