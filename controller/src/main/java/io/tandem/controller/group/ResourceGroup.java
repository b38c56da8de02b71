package io.tandem.controller.group;

import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.MapKeyColumn;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A resource group, as far as resource definitions need it: its name, its props and its peer
 * slots. The select filter columns are not mapped yet.
 */
@Entity
@Table(name = "resource_groups")
public class ResourceGroup {
    @Id
    private UUID id;

    @Column(name = "name_key", nullable = false)
    private String nameKey;

    @Column(nullable = false)
    private String name;

    @Column(name = "peer_slots")
    private Integer peerSlots;

    @Version
    private long version;

    @ElementCollection
    @CollectionTable(name = "resource_group_props", joinColumns = @JoinColumn(name = "owner_id"))
    @MapKeyColumn(name = "prop_key")
    @Column(name = "prop_value", nullable = false)
    private Map<String, String> props = new HashMap<>();

    protected ResourceGroup() {
    }

    public UUID id() {
        return id;
    }

    public String name() {
        return name;
    }

    /** The peer slots new resource definitions of this group get, or null for the default. */
    public Integer peerSlots() {
        return peerSlots;
    }

    public Map<String, String> props() {
        return props;
    }
}
