package io.tandem.controller.node;

import jakarta.persistence.CascadeType;
import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.MapKeyColumn;
import jakarta.persistence.OneToMany;
import jakarta.persistence.OrderBy;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import io.tandem.controller.rest.NodeName;

/** A machine of the cluster. */
@Entity
@Table(name = "nodes")
public class Node {
    @Id
    private UUID id;

    @Column(name = "name_key", nullable = false)
    private String nameKey;

    @Column(nullable = false)
    private String name;

    @Enumerated(EnumType.STRING)
    @Column(name = "node_type", nullable = false)
    private NodeType type;

    @Column(nullable = false)
    private long flags;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Version
    private long version;

    @ElementCollection
    @CollectionTable(name = "node_props", joinColumns = @JoinColumn(name = "owner_id"))
    @MapKeyColumn(name = "prop_key")
    @Column(name = "prop_value", nullable = false)
    private Map<String, String> props = new HashMap<>();

    @OneToMany(mappedBy = "node", cascade = CascadeType.ALL, orphanRemoval = true)
    @OrderBy("nameKey")
    private List<NetInterface> netInterfaces = new ArrayList<>();

    protected Node() {
    }

    Node(NodeName name, NodeType type, Map<String, String> props) {
        this.id = UUID.randomUUID();
        this.nameKey = name.key();
        this.name = name.value();
        this.type = type;
        this.createdAt = Instant.now();
        this.props.putAll(props);
    }

    public UUID id() {
        return id;
    }

    public String name() {
        return name;
    }

    public NodeType type() {
        return type;
    }

    void setType(NodeType type) {
        this.type = type;
    }

    public long flags() {
        return flags;
    }

    public Map<String, String> props() {
        return props;
    }

    public List<NetInterface> netInterfaces() {
        return netInterfaces;
    }

    public Optional<NetInterface> activeNetInterface() {
        return netInterfaces.stream().filter(NetInterface::isActive).findFirst();
    }

    Optional<NetInterface> netInterface(String nameKey) {
        return netInterfaces.stream().filter(n -> n.nameKey().equals(nameKey)).findFirst();
    }

    void addNetInterface(NetInterface netInterface) {
        netInterfaces.add(netInterface);
    }

    void removeNetInterface(NetInterface netInterface) {
        netInterfaces.remove(netInterface);
    }

    /** Makes {@code chosen} the only active interface. */
    void activate(NetInterface chosen) {
        netInterfaces.forEach(n -> n.setActive(n == chosen));
    }
}
