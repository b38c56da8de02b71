package io.tandem.controller.pool;

import io.tandem.controller.rest.Name;
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

/** A pool name shared across nodes, with the properties common to all pools of that name. */
@Entity
@Table(name = "storage_pool_definitions")
public class StoragePoolDefinition {
    @Id
    private UUID id;

    @Column(name = "name_key", nullable = false)
    private String nameKey;

    @Column(nullable = false)
    private String name;

    @Version
    private long version;

    @ElementCollection
    @CollectionTable(name = "storage_pool_definition_props", joinColumns = @JoinColumn(name = "owner_id"))
    @MapKeyColumn(name = "prop_key")
    @Column(name = "prop_value", nullable = false)
    private Map<String, String> props = new HashMap<>();

    protected StoragePoolDefinition() {
    }

    StoragePoolDefinition(Name name, Map<String, String> props) {
        this.id = UUID.randomUUID();
        this.nameKey = name.key();
        this.name = name.value();
        this.props.putAll(props);
    }

    public UUID id() {
        return id;
    }

    public String name() {
        return name;
    }

    String nameKey() {
        return nameKey;
    }

    public Map<String, String> props() {
        return props;
    }
}
