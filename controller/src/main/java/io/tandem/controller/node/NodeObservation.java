package io.tandem.controller.node;

import java.util.List;
import java.util.Map;

/**
 * What the controller currently knows of a node from its satellite: the link's status and, while
 * the satellite is logged in, what it reported about itself. Never stored; gone when the link drops.
 */
public record NodeObservation(ConnectionStatus status, String hostname, List<String> storageProviders,
                              Map<String, List<String>> unsupportedProviders) {
    public static final NodeObservation OFFLINE = new NodeObservation(ConnectionStatus.OFFLINE, null, null, null);

    public boolean online() {
        return status == ConnectionStatus.ONLINE;
    }
}
