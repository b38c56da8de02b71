package io.tandem.controller.resource;

import io.tandem.controller.pool.StoragePool;
import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
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

/**
 * One volume of a resource: the replica of one volume definition on the resource's node, carved
 * from one storage pool of that node (the node's diskless pool for a diskless replica).
 */
@Entity
@Table(name = "volumes")
class Volume {
    @Id
    private UUID id;

    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "resource_id")
    private Resource resource;

    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "volume_definition_id")
    private VolumeDefinition volumeDefinition;

    @ManyToOne(fetch = FetchType.LAZY)
    @JoinColumn(name = "storage_pool_id")
    private StoragePool storagePool;

    @Column(nullable = false)
    private long flags;

    @Version
    private long version;

    @ElementCollection
    @CollectionTable(name = "volume_props", joinColumns = @JoinColumn(name = "owner_id"))
    @MapKeyColumn(name = "prop_key")
    @Column(name = "prop_value", nullable = false)
    private Map<String, String> props = new HashMap<>();

    protected Volume() {
    }

    Volume(Resource resource, VolumeDefinition volumeDefinition, StoragePool storagePool) {
        this.id = UUID.randomUUID();
        this.resource = resource;
        this.volumeDefinition = volumeDefinition;
        this.storagePool = storagePool;
    }

    UUID id() {
        return id;
    }

    Resource resource() {
        return resource;
    }

    VolumeDefinition volumeDefinition() {
        return volumeDefinition;
    }

    int volumeNumber() {
        return volumeDefinition.volumeNumber();
    }

    StoragePool storagePool() {
        return storagePool;
    }

    long flags() {
        return flags;
    }

    void set(VolumeFlag flag) {
        flags |= flag.bits();
    }

    Map<String, String> props() {
        return props;
    }
}
