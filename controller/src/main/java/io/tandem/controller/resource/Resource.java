package io.tandem.controller.resource;

import io.tandem.controller.node.Node;
import jakarta.persistence.CascadeType;
import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.MapKeyColumn;
import jakarta.persistence.OneToMany;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A resource definition placed on a node: one replica, with its replica node id (unique within the
 * definition), its TCP port (unique on the node) and one {@link Volume} per volume definition.
 */
@Entity
@Table(name = "resources")
class Resource {
    /** DRBD's node ids: a replica is one of at most 32 peers. */
    static final int MAX_REPLICA_NODE_ID = 31;
    /** LINSTOR's default TcpPortAutoRange. */
    static final int FIRST_TCP_PORT = 7000;
    static final int LAST_TCP_PORT = 7999;

    @Id
    private UUID id;

    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "resource_definition_id")
    private ResourceDefinition resourceDefinition;

    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "node_id")
    private Node node;

    @Column(name = "replica_node_id", nullable = false)
    private int replicaNodeId;

    @Column(name = "tcp_port")
    private Integer tcpPort;

    @Column(nullable = false)
    private long flags;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Version
    private long version;

    @ElementCollection
    @CollectionTable(name = "resource_props", joinColumns = @JoinColumn(name = "owner_id"))
    @MapKeyColumn(name = "prop_key")
    @Column(name = "prop_value", nullable = false)
    private Map<String, String> props = new HashMap<>();

    @OneToMany(mappedBy = "resource", cascade = CascadeType.ALL, orphanRemoval = true)
    private List<Volume> volumes = new ArrayList<>();

    protected Resource() {
    }

    Resource(ResourceDefinition resourceDefinition, Node node, int replicaNodeId, int tcpPort, long flags,
             Map<String, String> props) {
        this.id = UUID.randomUUID();
        this.resourceDefinition = resourceDefinition;
        this.node = node;
        this.replicaNodeId = replicaNodeId;
        this.tcpPort = tcpPort;
        this.flags = flags;
        this.createdAt = Instant.now();
        this.props.putAll(props);
    }

    UUID id() {
        return id;
    }

    ResourceDefinition resourceDefinition() {
        return resourceDefinition;
    }

    Node node() {
        return node;
    }

    int replicaNodeId() {
        return replicaNodeId;
    }

    Integer tcpPort() {
        return tcpPort;
    }

    long flags() {
        return flags;
    }

    boolean is(ResourceFlag flag) {
        return Flag.isSet(flag, flags);
    }

    void set(ResourceFlag flag) {
        flags |= flag.bits();
    }

    boolean isDiskless() {
        return is(ResourceFlag.DISKLESS);
    }

    Instant createdAt() {
        return createdAt;
    }

    Map<String, String> props() {
        return props;
    }

    /** The volumes, by volume number. */
    List<Volume> volumes() {
        return volumes.stream().sorted(Comparator.comparingInt(Volume::volumeNumber)).toList();
    }

    Optional<Volume> volume(int volumeNumber) {
        return volumes.stream().filter(v -> v.volumeNumber() == volumeNumber).findFirst();
    }

    void addVolume(Volume volume) {
        volumes.add(volume);
    }
}
