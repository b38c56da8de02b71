package io.tandem.controller.restart;

import io.tandem.controller.testsupport.PostgresTestServer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PostgreSQL through the TANDEM_DB_* settings: everything survives a restart. */
class PostgresRestartTest {
    @TempDir
    Path dataDirectory;

    @Test
    void everythingSurvivesARestart() {
        PostgresTestServer.Database database = PostgresTestServer.shared().createDatabase("restart_test");
        new RestartScenario("--data-dir=" + dataDirectory, "--TANDEM_DB_URL=" + database.jdbcUrl(),
                "--TANDEM_DB_USER=" + database.username(), "--TANDEM_DB_PASSWORD=" + database.password()).run();
    }
}
