package deeptensor.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The library's version: from the jar's Maven metadata, or "unknown" when run from classes. */
final class Version {

    private static final String POM_PROPERTIES = "/META-INF/maven/org.deeptensor/deeptensor/pom.properties";

    private Version() {
    }

    static String current() {
        String fromManifest = Version.class.getPackage() == null ? null : Version.class.getPackage().getImplementationVersion();
        if (fromManifest != null) {
            return fromManifest;
        }
        try (InputStream in = Version.class.getResourceAsStream(POM_PROPERTIES)) {
            if (in != null) {
                Properties properties = new Properties();
                properties.load(in);
                String version = properties.getProperty("version");
                if (version != null && !version.isBlank()) {
                    return version.strip();
                }
            }
        } catch (IOException unreadable) {
            // fall through
        }
        return "unknown";
    }
}
