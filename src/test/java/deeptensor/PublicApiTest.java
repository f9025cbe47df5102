package deeptensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The public API — every public or protected type and member of the exported packages — listed in
 * {@code docs/api.txt}, so that a change to it is a deliberate edit of that file, reviewed with the
 * code (the idea of Revapi and japicmp, without the dependency). The listing's first line gives the
 * counts, and docs/design.md states the same counts.
 *
 * <p>After an intended change, regenerate the listing with
 * {@code ./deeptensor --mvn test -Dtest=PublicApiTest -Ddeeptensor.api.write=true} and update the
 * counts in docs/design.md.
 */
class PublicApiTest {

    private static final Path LISTING = Path.of("docs/api.txt");

    private static List<String> exportedPackages() {
        Module module = Completion.class.getModule();
        if (module.isNamed()) {
            return module.getDescriptor().exports().stream().map(e -> e.source()).sorted().toList();
        }
        // On the class path the descriptor is not in force: read the exports from the sources.
        try {
            return Files.readAllLines(Path.of("src/main/java/module-info.java")).stream().map(String::trim)
                    .filter(l -> l.startsWith("exports ")).map(l -> l.substring(8, l.indexOf(';')).trim()).sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> listing() throws IOException, ClassNotFoundException {
        TreeSet<String> lines = new TreeSet<>();
        int types = 0, members = 0;
        Path classes = Path.of("target/classes");
        for (String pkg : exportedPackages()) {
            Path dir = classes.resolve(pkg.replace('.', '/'));
            List<Path> files;
            try (Stream<Path> list = Files.list(dir)) {
                files = list.filter(f -> f.toString().endsWith(".class")).sorted().toList();
            }
            for (Path file : files) {
                String name = pkg + "." + file.getFileName().toString().replace(".class", "");
                Class<?> type = Class.forName(name, false, PublicApiTest.class.getClassLoader());
                if (!visible(type)) {
                    continue;
                }
                types++;
                String typeName = type.getName().replace('$', '.');
                lines.add(typeName + " :: " + describe(type));
                for (Member member : members(type)) {
                    members++;
                    lines.add(typeName + " :: " + member(member).replace(type.getName() + ".", "").replace('$', '.'));
                }
            }
        }
        List<String> all = new ArrayList<>();
        all.add("# " + types + " public types and " + members + " public members in " + exportedPackages().size() + " exported packages");
        all.addAll(lines);
        return all;
    }

    /** Public, and (for a nested type) inside a visible type all the way out; not synthetic. */
    private static boolean visible(Class<?> type) {
        for (Class<?> t = type; t != null; t = t.getDeclaringClass()) {
            if (!Modifier.isPublic(t.getModifiers()) || t.isSynthetic() || t.isAnonymousClass() || t.isLocalClass()) {
                return false;
            }
        }
        return true;
    }

    private static String describe(Class<?> type) {
        String kind = type.isRecord() ? "record" : type.isEnum() ? "enum" : type.isAnnotation() ? "@interface"
                : type.isInterface() ? "interface" : "class";
        String modifiers = Modifier.toString(type.getModifiers() & (Modifier.ABSTRACT | Modifier.FINAL | Modifier.STATIC));
        if (type.isInterface()) {
            modifiers = "";
        }
        String sealed = type.isSealed() ? "sealed " : "";
        return (sealed + modifiers + " " + kind).trim();
    }

    private static List<Member> members(Class<?> type) {
        List<Member> found = new ArrayList<>();
        boolean extendable = !Modifier.isFinal(type.getModifiers()) && !type.isSealed() && !type.isEnum() && !type.isRecord();
        for (Constructor<?> c : type.getDeclaredConstructors()) {
            if (exposed(c.getModifiers(), extendable) && !c.isSynthetic()) {
                found.add(c);
            }
        }
        for (Method m : type.getDeclaredMethods()) {
            if (exposed(m.getModifiers(), extendable) && !m.isSynthetic() && !m.isBridge()) {
                found.add(m);
            }
        }
        for (Field f : type.getDeclaredFields()) {
            if (exposed(f.getModifiers(), extendable) && !f.isSynthetic()) {
                found.add(f);
            }
        }
        return found;
    }

    private static boolean exposed(int modifiers, boolean extendable) {
        return Modifier.isPublic(modifiers) || (extendable && Modifier.isProtected(modifiers));
    }

    private static String member(Member member) {
        return switch (member) {
            case Constructor<?> c -> c.toGenericString();
            case Method m -> m.toGenericString();
            case Field f -> f.toGenericString();
            default -> member.toString();
        };
    }

    @Test
    void thePublicApiIsTheListedOne() throws IOException, ClassNotFoundException {
        List<String> actual = listing();
        if (Boolean.getBoolean("deeptensor.api.write")) {
            Files.write(LISTING, actual, StandardCharsets.UTF_8);
        }
        List<String> listed = Files.exists(LISTING) ? Files.readAllLines(LISTING, StandardCharsets.UTF_8) : List.of();
        List<String> added = new ArrayList<>(actual), removed = new ArrayList<>(listed);
        added.removeAll(listed);
        removed.removeAll(actual);
        assertTrue(added.isEmpty() && removed.isEmpty(), "the public API differs from docs/api.txt (regenerate it with "
                + "-Ddeeptensor.api.write=true if the change is intended)\n  new: " + added + "\n  gone: " + removed);
    }

    @Test
    void theDesignPageStatesTheCounts() throws IOException, ClassNotFoundException {
        String counts = listing().get(0).substring(2);
        String design = Files.readString(Path.of("docs/design.md"), StandardCharsets.UTF_8);
        assertTrue(design.contains(counts), "docs/design.md should say \"" + counts + "\"");
        assertEquals(counts, Files.readAllLines(LISTING, StandardCharsets.UTF_8).get(0).substring(2));
    }
}
