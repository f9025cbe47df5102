package deeptensor.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The words after a command, sorted into options and positional arguments. An option that takes a
 * value accepts it as the next word ({@code --seed 3}) or after an equals sign ({@code --seed=3});
 * a flag takes none. Short aliases ({@code -o}) name the same option as their long form. Every
 * option may be given once; {@code --} ends the options.
 */
final class Arguments {

    private final Map<String, String> values;
    private final Set<String> flags;
    private final List<String> positionals;

    private Arguments(Map<String, String> values, Set<String> flags, List<String> positionals) {
        this.values = values;
        this.flags = flags;
        this.positionals = positionals;
    }

    /** Which options a command takes. */
    static final class Spec {
        private final String command;
        private final Set<String> valued = new HashSet<>();
        private final Set<String> flags = new HashSet<>();
        private final Map<String, String> aliases = new HashMap<>();

        Spec(String command) {
            this.command = command;
        }

        /** An option followed by a value, with optional short aliases. */
        Spec valued(String name, String... shortNames) {
            valued.add(name);
            for (String alias : shortNames) {
                aliases.put(alias, name);
            }
            return this;
        }

        /** An option without a value. */
        Spec flag(String name) {
            flags.add(name);
            return this;
        }

        /** Sorts {@code words}; refuses unknown options, missing values and options given twice. */
        Arguments parse(List<String> words) throws Main.UsageException {
            Map<String, String> values = new LinkedHashMap<>();
            Set<String> seenFlags = new HashSet<>();
            List<String> positionals = new ArrayList<>();
            boolean optionsEnded = false;
            for (int i = 0; i < words.size(); i++) {
                String word = words.get(i);
                if (optionsEnded || word.equals("-") || !word.startsWith("-")) {
                    positionals.add(word);
                    continue;
                }
                if (word.equals("--")) {
                    optionsEnded = true;
                    continue;
                }
                int equals = word.indexOf('=');
                String name = equals < 0 ? word : word.substring(0, equals);
                name = aliases.getOrDefault(name, name);
                if (flags.contains(name)) {
                    if (equals >= 0) {
                        throw new Main.UsageException(command + ": " + name + " takes no value, got '" + word + "'");
                    }
                    if (!seenFlags.add(name)) {
                        throw new Main.UsageException(command + ": " + name + " is given twice");
                    }
                } else if (valued.contains(name)) {
                    String value;
                    if (equals >= 0) {
                        value = word.substring(equals + 1);
                    } else if (i + 1 < words.size() && !words.get(i + 1).startsWith("--")) {
                        value = words.get(++i);
                    } else {
                        throw new Main.UsageException(command + ": " + word + " needs a value");
                    }
                    if (value.isEmpty()) {
                        throw new Main.UsageException(command + ": " + name + " needs a value");
                    }
                    if (values.putIfAbsent(name, value) != null) {
                        throw new Main.UsageException(command + ": " + name + " is given twice");
                    }
                } else {
                    throw new Main.UsageException(command + ": unknown option '" + word + "'; see: deeptensor help");
                }
            }
            return new Arguments(values, seenFlags, positionals);
        }
    }

    /** The value of an option, if given. */
    Optional<String> value(String name) {
        return Optional.ofNullable(values.get(name));
    }

    /** Whether a flag was given. */
    boolean flag(String name) {
        return flags.contains(name);
    }

    /** The words that are not options, in order. */
    List<String> positionals() {
        return positionals;
    }
}
