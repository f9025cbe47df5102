package deeptensor.build;

import java.util.Set;

/** The packages that form the public API; change this list only together with module-info.java. */
final class PublicPackages {

    static final Set<String> EXPORTED = Set.of("deeptensor", "deeptensor.tensor", "deeptensor.io", "deeptensor.model",
            "deeptensor.train", "deeptensor.kernel");

    private PublicPackages() {
    }
}
