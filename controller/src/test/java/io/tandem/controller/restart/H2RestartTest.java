package io.tandem.controller.restart;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The default deployment: an H2 file under the data directory survives a restart. */
class H2RestartTest {
    @TempDir
    Path dataDirectory;

    @Test
    void everythingSurvivesARestart() {
        // only the data directory is given: the database location is the controller's default
        new RestartScenario("--data-dir=" + dataDirectory).run();
    }
}
