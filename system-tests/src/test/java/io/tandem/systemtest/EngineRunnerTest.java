package io.tandem.systemtest;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every test of the standalone engine runner shares: a temporary folder for configs, data and
 * logs (kept when the test fails), and the runner processes it started, all killed after each test even when it fails.
 */
abstract class EngineRunnerTest {

    /** Kept when a test fails, so its runners' logs can be read. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path folder;

    EngineProcesses processes;

    @BeforeEach
    void trackProcesses() {
        processes = new EngineProcesses(folder.resolve("logs"));
    }

    @AfterEach
    void stopProcesses() throws InterruptedException {
        processes.close();
    }
}
