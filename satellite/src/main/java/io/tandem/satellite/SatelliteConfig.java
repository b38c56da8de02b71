package io.tandem.satellite;

import java.net.InetSocketAddress;
import java.nio.file.Path;

/** How a satellite runs. {@code clusterSecret} is null when none is configured (every controller is refused). */
public record SatelliteConfig(InetSocketAddress listen, Path dataDirectory, String clusterSecret) {
}
