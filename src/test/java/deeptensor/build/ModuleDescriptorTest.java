package deeptensor.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The compiled module descriptor exports exactly the public packages and requires nothing outside the JDK. */
class ModuleDescriptorTest {

    private static ModuleDescriptor descriptor() throws IOException {
        // The descriptor next to the library's classes (not some JDK module's, which a plain
        // resource lookup of "/module-info.class" may return).
        java.net.URL location = deeptensor.tensor.Tensor.class.getProtectionDomain().getCodeSource().getLocation();
        try (java.nio.file.FileSystem jar = openIfJar(location)) {
            java.nio.file.Path root = jar == null ? java.nio.file.Path.of(toUri(location)) : jar.getPath("/");
            try (InputStream in = java.nio.file.Files.newInputStream(root.resolve("module-info.class"))) {
                assertNotNull(in);
                return ModuleDescriptor.read(in);
            }
        }
    }

    private static java.net.URI toUri(java.net.URL url) {
        try {
            return url.toURI();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static java.nio.file.FileSystem openIfJar(java.net.URL location) throws IOException {
        java.nio.file.Path path = java.nio.file.Path.of(toUri(location));
        return java.nio.file.Files.isDirectory(path) ? null : java.nio.file.FileSystems.newFileSystem(path);
    }

    @Test
    void exportsOnlyThePublicPackages() throws IOException {
        ModuleDescriptor module = descriptor();
        assertEquals("deeptensor", module.name());
        Set<String> exported = module.exports().stream().map(ModuleDescriptor.Exports::source)
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(PublicPackages.EXPORTED), exported);
    }

    @Test
    void requiresOnlyJdkModulesAndTheVectorModuleOptionally() throws IOException {
        for (ModuleDescriptor.Requires requires : descriptor().requires()) {
            String name = requires.name();
            assertTrue(name.startsWith("java.") || name.startsWith("jdk."), "requires a module outside the JDK: " + name);
            if (name.equals("jdk.incubator.vector")) {
                assertTrue(requires.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC),
                        "the Vector API must be optional (requires static) so the scalar path runs without it");
            }
        }
    }
}
