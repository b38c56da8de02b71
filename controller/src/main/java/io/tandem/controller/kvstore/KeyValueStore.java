package io.tandem.controller.kvstore;

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

@Entity
@Table(name = "key_value_stores")
class KeyValueStore {
    @Id
    private UUID id;

    @Column(name = "name_key", nullable = false)
    private String nameKey;

    @Column(nullable = false)
    private String name;

    @Version
    private long version;

    @ElementCollection
    @CollectionTable(name = "key_value_store_props", joinColumns = @JoinColumn(name = "owner_id"))
    @MapKeyColumn(name = "prop_key")
    @Column(name = "prop_value", nullable = false)
    private Map<String, String> props = new HashMap<>();

    protected KeyValueStore() {
    }

    KeyValueStore(Name name) {
        this.id = UUID.randomUUID();
        this.nameKey = name.key();
        this.name = name.value();
    }

    String name() {
        return name;
    }

    Map<String, String> props() {
        return props;
    }
}
