package io.tandem.controller.cluster;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /health}: 200 when the controller can reach its database, 500 with a plain-text
 * reason otherwise. linstor-proxmox uses it to pick a working controller.
 */
@RestController
class HealthApi {
    private final DataSource dataSource;

    HealthApi(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    // no "produces": the probe answers text/plain whatever the client says it accepts
    @GetMapping("/health")
    ResponseEntity<String> health() {
        try (Connection connection = dataSource.getConnection()) {
            if (connection.isValid(2)) {
                return ResponseEntity.ok().contentType(MediaType.TEXT_PLAIN).body("");
            }
            return unhealthy("the database connection is not valid");
        } catch (SQLException e) {
            return unhealthy("the database is unreachable: " + e.getMessage());
        }
    }

    private static ResponseEntity<String> unhealthy(String reason) {
        return ResponseEntity.internalServerError().contentType(MediaType.TEXT_PLAIN)
                .body("Tandem controller is not healthy: " + reason + "\n");
    }
}
