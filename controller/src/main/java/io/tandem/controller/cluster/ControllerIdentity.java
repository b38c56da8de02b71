package io.tandem.controller.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.Properties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.info.BuildProperties;
import org.springframework.stereotype.Component;

/** Who this controller is: its node name, its build, and when it started. */
@Component
public class ControllerIdentity {
    /** The REST API version whose request and response shapes this controller implements. */
    public static final String REST_API_VERSION = "1.28.0";

    private final String nodeName;
    private final String version;
    private final String gitHash;
    private final String buildTime;
    private final Instant startedAt = Instant.now();

    ControllerIdentity(ObjectProvider<BuildProperties> build, @Value("${tandem.node-name:}") String configuredName) {
        BuildProperties properties = build.getIfAvailable();
        this.version = properties == null ? "development" : properties.getVersion();
        this.buildTime = properties == null || properties.getTime() == null ? "unknown" : properties.getTime().toString();
        this.gitHash = readGitHash();
        this.nodeName = configuredName.isBlank() ? hostName() : configuredName;
    }

    public String nodeName() {
        return nodeName;
    }

    public String version() {
        return version;
    }

    public String gitHash() {
        return gitHash;
    }

    public String buildTime() {
        return buildTime;
    }

    public Instant startedAt() {
        return startedAt;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "controller";
        }
    }

    /** git.properties is written at build time when the source is a git checkout. */
    private static String readGitHash() {
        try (InputStream in = ControllerIdentity.class.getResourceAsStream("/git.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties git = new Properties();
            git.load(in);
            return git.getProperty("git.commit.id.full", git.getProperty("git.commit.id", "unknown"));
        } catch (IOException e) {
            return "unknown";
        }
    }
}
