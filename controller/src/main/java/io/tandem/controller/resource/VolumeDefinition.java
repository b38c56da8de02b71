package io.tandem.controller.resource;

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

/** One volume of a resource definition: its number, size and (cluster-wide unique) minor number. */
@Entity
@Table(name = "volume_definitions")
class VolumeDefinition {
    static final int MAX_VOLUME_NUMBER = 65534;
    /** The minor numbers handed out when none is asked for (LINSTOR's MinorNrAutoRange). */
    static final int FIRST_AUTO_MINOR = 1000;
    static final int LAST_AUTO_MINOR = 49999;
    /** The largest minor number a client may ask for (DRBD's 20-bit minor). */
    static final int MAX_MINOR = (1 << 20) - 1;
    /** 1 PiB, the largest volume the replication engine's metadata layout covers (DRBD's limit). */
    static final long MAX_SIZE_KIB = 1L << 40;

    @Id
    private UUID id;

    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "resource_definition_id")
    private ResourceDefinition resourceDefinition;

    @Column(name = "volume_number", nullable = false)
    private int volumeNumber;

    @Column(name = "size_kib", nullable = false)
    private long sizeKib;

    @Column(name = "minor_number")
    private Integer minorNumber;

    @Column(nullable = false)
    private long flags;

    @Version
    private long version;

    @ElementCollection
    @CollectionTable(name = "volume_definition_props", joinColumns = @JoinColumn(name = "owner_id"))
    @MapKeyColumn(name = "prop_key")
    @Column(name = "prop_value", nullable = false)
    private Map<String, String> props = new HashMap<>();

    protected VolumeDefinition() {
    }

    VolumeDefinition(ResourceDefinition resourceDefinition, int volumeNumber, long sizeKib, int minorNumber, long flags,
                     Map<String, String> props) {
        this.id = UUID.randomUUID();
        this.resourceDefinition = resourceDefinition;
        this.volumeNumber = volumeNumber;
        this.sizeKib = sizeKib;
        this.minorNumber = minorNumber;
        this.flags = flags;
        this.props.putAll(props);
    }

    UUID id() {
        return id;
    }

    ResourceDefinition resourceDefinition() {
        return resourceDefinition;
    }

    int volumeNumber() {
        return volumeNumber;
    }

    long sizeKib() {
        return sizeKib;
    }

    void setSizeKib(long sizeKib) {
        this.sizeKib = sizeKib;
    }

    Integer minorNumber() {
        return minorNumber;
    }

    long flags() {
        return flags;
    }

    void setFlags(long flags) {
        this.flags = flags;
    }

    Map<String, String> props() {
        return props;
    }
}
