package io.vigil.core.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.util.Map;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * Every Vigil jar names its module: run by failsafe after {@code package} in each module (from core's test-jar),
 * against that module's own jar. The names are written out here, so a module that inherits the parent's placeholder
 * (or any other wrong name) fails.
 */
class ManifestIT {

    private static final Map<String, String> MODULE_NAMES = Map.of(
            "vigil-core", "io.vigil.core",
            "vigil-epoll", "io.vigil.epoll",
            "vigil-examples", "io.vigil.examples",
            "vigil-benchmarks", "io.vigil.benchmarks");

    @Test
    void theJarHasTheModulesAutomaticModuleName() throws Exception {
        String jar = System.getProperty("vigil.jar");
        String artifactId = System.getProperty("vigil.artifactId");
        assertThat(jar).as("system property vigil.jar").isNotBlank();
        assertThat(MODULE_NAMES).as("the module names, by artifact").containsKey(artifactId);
        assertThat(new File(jar)).as("the module's jar").isFile();
        try (JarFile file = new JarFile(jar)) {
            assertThat(file.getManifest().getMainAttributes().getValue("Automatic-Module-Name"))
                    .isEqualTo(MODULE_NAMES.get(artifactId));
        }
    }
}
