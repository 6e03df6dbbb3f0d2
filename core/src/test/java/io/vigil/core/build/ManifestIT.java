package io.vigil.core.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * Every Vigil jar names its module: run by failsafe after {@code package} in each module (from core's test-jar),
 * against that module's own jar.
 */
class ManifestIT {

    @Test
    void theJarHasTheModulesAutomaticModuleName() throws Exception {
        String jar = System.getProperty("vigil.jar");
        String expected = System.getProperty("vigil.moduleName");
        assertThat(jar).as("system property vigil.jar").isNotBlank();
        assertThat(expected).as("system property vigil.moduleName").startsWith("io.vigil.");
        assertThat(new File(jar)).as("the module's jar").isFile();
        try (JarFile file = new JarFile(jar)) {
            assertThat(file.getManifest().getMainAttributes().getValue("Automatic-Module-Name")).isEqualTo(expected);
        }
    }
}
