package io.tandem.controller.satellite;

import io.tandem.link.LinkProof;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The cluster secret the controller and its satellites prove to each other. Given by
 * {@code tandem.cluster-secret} (environment TANDEM_CLUSTER_SECRET), or else the one stored in the
 * database, or else generated and stored on first start. It is also written to
 * {@code <data-dir>/cluster-secret} (readable by its owner only), for the operator to hand to the
 * satellites.
 */
@Service
class ClusterSecretService {
    private static final Logger log = LoggerFactory.getLogger(ClusterSecretService.class);

    private final ClusterSettingRepository settings;
    private final String configured;
    private final Path secretFile;

    ClusterSecretService(ClusterSettingRepository settings,
                         @Value("${tandem.cluster-secret:${TANDEM_CLUSTER_SECRET:}}") String configured,
                         @Value("${tandem.data-dir}") String dataDirectory) {
        this.settings = settings;
        this.configured = configured.strip();
        this.secretFile = Path.of(dataDirectory, "cluster-secret");
    }

    @Transactional
    public String secret() {
        String secret;
        if (!configured.isEmpty()) {
            secret = configured;
        } else {
            secret = settings.findById(ClusterSetting.CLUSTER_SECRET).map(ClusterSetting::value).orElseGet(() -> {
                String generated = LinkProof.newSecret();
                settings.save(new ClusterSetting(ClusterSetting.CLUSTER_SECRET, generated));
                log.info("Generated a new cluster secret; satellites need it (see {})", secretFile);
                return generated;
            });
        }
        writeForOperator(secret);
        return secret;
    }

    private void writeForOperator(String secret) {
        try {
            if (Files.exists(secretFile) && Files.readString(secretFile, StandardCharsets.UTF_8).strip().equals(secret)) {
                return;
            }
            Files.writeString(secretFile, secret + "\n", StandardCharsets.UTF_8);
            try {
                Files.setPosixFilePermissions(secretFile, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                log.debug("No POSIX permissions on {}", secretFile);
            }
        } catch (IOException e) {
            log.warn("Cannot write the cluster secret to {}: {}", secretFile, e.getMessage());
        }
    }
}
