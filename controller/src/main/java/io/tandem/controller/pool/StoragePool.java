package io.tandem.controller.pool;

import io.tandem.controller.node.Node;
import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.MapKeyColumn;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** A storage pool of one node. */
@Entity
@Table(name = "storage_pools")
public class StoragePool {
    @Id
    private UUID id;

    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "node_id")
    private Node node;

    @ManyToOne(fetch = FetchType.EAGER, optional = false)
    @JoinColumn(name = "definition_id")
    private StoragePoolDefinition definition;

    @Enumerated(EnumType.STRING)
    @Column(name = "provider_kind", nullable = false)
    private ProviderKind providerKind;

    @Column(name = "free_space_mgr_name", nullable = false)
    private String freeSpaceManagerName;

    @Column(name = "external_locking", nullable = false)
    private boolean externalLocking;

    @Version
    private long version;

    @ElementCollection
    @CollectionTable(name = "storage_pool_props", joinColumns = @JoinColumn(name = "owner_id"))
    @MapKeyColumn(name = "prop_key")
    @Column(name = "prop_value", nullable = false)
    private Map<String, String> props = new HashMap<>();

    protected StoragePool() {
    }

    StoragePool(Node node, StoragePoolDefinition definition, ProviderKind providerKind, String freeSpaceManagerName,
                boolean externalLocking, Map<String, String> props) {
        this.id = UUID.randomUUID();
        this.node = node;
        this.definition = definition;
        this.providerKind = providerKind;
        this.freeSpaceManagerName = freeSpaceManagerName;
        this.externalLocking = externalLocking;
        this.props.putAll(props);
    }

    public UUID id() {
        return id;
    }

    public Node node() {
        return node;
    }

    public StoragePoolDefinition definition() {
        return definition;
    }

    public String name() {
        return definition.name();
    }

    public ProviderKind providerKind() {
        return providerKind;
    }

    public String freeSpaceManagerName() {
        return freeSpaceManagerName;
    }

    public boolean externalLocking() {
        return externalLocking;
    }

    public Map<String, String> props() {
        return props;
    }
}
