package io.tandem.link;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;
import java.util.Map;

/** Every message of the link. See the package documentation for the order they come in. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = LinkMessage.Hello.class, name = "Hello"),
        @JsonSubTypes.Type(value = LinkMessage.Welcome.class, name = "Welcome"),
        @JsonSubTypes.Type(value = LinkMessage.Refused.class, name = "Refused"),
        @JsonSubTypes.Type(value = LinkMessage.Login.class, name = "Login"),
        @JsonSubTypes.Type(value = LinkMessage.LoginReport.class, name = "LoginReport"),
        @JsonSubTypes.Type(value = LinkMessage.DesiredState.class, name = "DesiredState"),
        @JsonSubTypes.Type(value = LinkMessage.ObservedState.class, name = "ObservedState"),
        @JsonSubTypes.Type(value = LinkMessage.Ping.class, name = "Ping"),
        @JsonSubTypes.Type(value = LinkMessage.Pong.class, name = "Pong")
})
public sealed interface LinkMessage {

    /** controller → satellite: the versions it speaks and its challenge. */
    record Hello(int minVersion, int maxVersion, String controllerNonce, String controllerId) implements LinkMessage {
    }

    /** satellite → controller: the chosen version, its challenge, and its proof of the secret. */
    record Welcome(int version, String satelliteNonce, String satelliteProof) implements LinkMessage {
    }

    /** Either side: the connection is refused, and why. The sender closes the connection. */
    record Refused(RefusalKind kind, String reason, int minVersion, int maxVersion) implements LinkMessage {
    }

    enum RefusalKind { AUTHENTICATION, VERSION_MISMATCH, OTHER_CONTROLLER }

    /** controller → satellite: its proof of the secret, and the name the node has in the cluster. */
    record Login(String controllerProof, String nodeName) implements LinkMessage {
    }

    /** satellite → controller: what this node is and can do. */
    record LoginReport(String hostname, String satelliteVersion, List<String> providers,
                       Map<String, List<String>> unsupportedProviders) implements LinkMessage {
    }

    /** controller → satellite: the complete desired state of the node, at {@code version}. */
    record DesiredState(long version, NodeState state) implements LinkMessage {
    }

    /**
     * satellite → controller: what the satellite sees, having applied desired state
     * {@code appliedVersion} completely. A resource that is not listed does not exist on the node.
     */
    record ObservedState(long appliedVersion, List<PoolObservation> pools, List<ResourceObservation> resources)
            implements LinkMessage {
        public ObservedState {
            pools = pools == null ? List.of() : pools;
            resources = resources == null ? List.of() : resources;
        }

        /** A node without resources. */
        public ObservedState(long appliedVersion, List<PoolObservation> pools) {
            this(appliedVersion, pools, List.of());
        }
    }

    record Ping(long sentAtMillis) implements LinkMessage {
    }

    record Pong(long sentAtMillis) implements LinkMessage {
    }

    /**
     * The desired state of one node: its pools and the resources placed on it. Whatever is not
     * listed should not exist (a resource marked for deletion is simply no longer listed).
     */
    record NodeState(String nodeName, List<PoolSpec> pools, List<ResourceSpec> resources) {
        public NodeState {
            pools = pools == null ? List.of() : pools;
            resources = resources == null ? List.of() : resources;
        }

        /** A node without resources. */
        public NodeState(String nodeName, List<PoolSpec> pools) {
            this(nodeName, pools, List.of());
        }
    }

    /** A resource placed on the node, with one volume per volume definition. */
    record ResourceSpec(String name, List<VolumeSpec> volumes) {
    }

    /**
     * A volume of a resource: its size, and the pool its backing file lives in ({@code null} pool
     * for a diskless replica, which has no backing file).
     */
    record VolumeSpec(int number, long sizeKib, String poolName) {
    }

    /** A resource as the satellite sees it. */
    record ResourceObservation(String name, List<VolumeObservation> volumes) {
    }

    /**
     * A volume as the satellite sees it: where its backing file is, how big it is
     * ({@code usableKib}) and how much of it is really allocated; problems in words an operator can
     * act on, empty when the volume is fine.
     */
    record VolumeObservation(int number, String poolName, String path, Long usableKib, Long allocatedKib,
                             List<String> problems) {
    }

    /** A storage pool the node should have: its kind and its provider properties. */
    record PoolSpec(String name, String providerKind, Map<String, String> props) {
    }

    /**
     * A pool as the satellite sees it. Capacities in KiB; {@code allocatedKib} is what the pool's
     * volumes really occupy (for thin pools less than their size). {@code problems} is empty for a
     * healthy pool, otherwise each entry says what is wrong in words an operator can act on.
     */
    record PoolObservation(String name, String providerKind, Long freeKib, Long totalKib, Long allocatedKib,
                           List<String> problems) {
    }
}
