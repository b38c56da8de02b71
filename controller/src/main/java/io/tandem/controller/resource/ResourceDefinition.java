package io.tandem.controller.resource;

import io.tandem.controller.group.ResourceGroup;
import io.tandem.controller.rest.Name;
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
import jakarta.persistence.OrderBy;
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
 * What is replicated: a name, the replication settings every replica shares, and the volume
 * definitions. Placed on nodes as {@link Resource}s.
 */
@Entity
@Table(name = "resource_definitions")
class ResourceDefinition {
    /** Transport of the replication links; the engine speaks TCP only. */
    static final String TRANSPORT_IP = "IP";
    static final int DEFAULT_PEER_SLOTS = 7;
    static final int MAX_PEER_SLOTS = 31;
    static final int DEFAULT_AL_STRIPES = 1;
    static final long DEFAULT_AL_STRIPE_SIZE_KIB = 32;

    @Id
    private UUID id;

    @Column(name = "name_key", nullable = false)
    private String nameKey;

    @Column(nullable = false)
    private String name;

    @Column(name = "external_name")
    private String externalName;

    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "resource_group_id")
    private ResourceGroup resourceGroup;

    @Column(nullable = false)
    private long flags;

    @Column(name = "shared_secret")
    private String sharedSecret;

    @Column(name = "peer_slots", nullable = false)
    private int peerSlots;

    @Column(name = "al_stripes", nullable = false)
    private int alStripes;

    @Column(name = "al_stripe_size_kib", nullable = false)
    private long alStripeSizeKib;

    @Column(name = "transport_type", nullable = false)
    private String transportType;

    @Column(name = "layer_stack")
    private String layerStack;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Version
    private long version;

    @ElementCollection
    @CollectionTable(name = "resource_definition_props", joinColumns = @JoinColumn(name = "owner_id"))
    @MapKeyColumn(name = "prop_key")
    @Column(name = "prop_value", nullable = false)
    private Map<String, String> props = new HashMap<>();

    @OneToMany(mappedBy = "resourceDefinition", cascade = CascadeType.ALL, orphanRemoval = true)
    @OrderBy("volumeNumber")
    private List<VolumeDefinition> volumeDefinitions = new ArrayList<>();

    protected ResourceDefinition() {
    }

    ResourceDefinition(Name name, String externalName, ResourceGroup resourceGroup, String sharedSecret, int peerSlots,
                       Map<String, String> props) {
        this.id = UUID.randomUUID();
        this.nameKey = name.key();
        this.name = name.value();
        this.externalName = externalName;
        this.resourceGroup = resourceGroup;
        this.sharedSecret = sharedSecret;
        this.peerSlots = peerSlots;
        this.alStripes = DEFAULT_AL_STRIPES;
        this.alStripeSizeKib = DEFAULT_AL_STRIPE_SIZE_KIB;
        this.transportType = TRANSPORT_IP;
        this.layerStack = "DRBD,STORAGE";
        this.createdAt = Instant.now();
        this.props.putAll(props);
    }

    UUID id() {
        return id;
    }

    String name() {
        return name;
    }

    String externalName() {
        return externalName;
    }

    ResourceGroup resourceGroup() {
        return resourceGroup;
    }

    void setResourceGroup(ResourceGroup resourceGroup) {
        this.resourceGroup = resourceGroup;
    }

    long flags() {
        return flags;
    }

    boolean is(ResourceDefinitionFlag flag) {
        return Flag.isSet(flag, flags);
    }

    void set(ResourceDefinitionFlag flag) {
        flags |= flag.bits();
    }

    String sharedSecret() {
        return sharedSecret;
    }

    int peerSlots() {
        return peerSlots;
    }

    void setPeerSlots(int peerSlots) {
        this.peerSlots = peerSlots;
    }

    int alStripes() {
        return alStripes;
    }

    long alStripeSizeKib() {
        return alStripeSizeKib;
    }

    String transportType() {
        return transportType;
    }

    Map<String, String> props() {
        return props;
    }

    List<VolumeDefinition> volumeDefinitions() {
        return volumeDefinitions;
    }

    Optional<VolumeDefinition> volumeDefinition(int volumeNumber) {
        return volumeDefinitions.stream().filter(vd -> vd.volumeNumber() == volumeNumber).findFirst();
    }

    void addVolumeDefinition(VolumeDefinition volumeDefinition) {
        volumeDefinitions.add(volumeDefinition);
        volumeDefinitions.sort(Comparator.comparingInt(VolumeDefinition::volumeNumber));
    }

    void removeVolumeDefinition(VolumeDefinition volumeDefinition) {
        volumeDefinitions.remove(volumeDefinition);
    }
}
