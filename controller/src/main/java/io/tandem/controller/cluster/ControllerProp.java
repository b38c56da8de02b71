package io.tandem.controller.cluster;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

@Entity
@Table(name = "controller_props")
class ControllerProp {
    @Id
    @Column(name = "prop_key")
    private String key;

    @Column(name = "prop_value", nullable = false)
    private String value;

    protected ControllerProp() {
    }

    ControllerProp(String key, String value) {
        this.key = key;
        this.value = value;
    }

    String key() {
        return key;
    }

    String value() {
        return value;
    }

    void setValue(String value) {
        this.value = value;
    }
}
