package io.tandem.controller.satellite;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

@Entity
@Table(name = "cluster_settings")
class ClusterSetting {
    static final String CLUSTER_SECRET = "cluster-secret";

    @Id
    @Column(name = "setting_key")
    private String key;

    @Column(name = "setting_value", nullable = false)
    private String value;

    protected ClusterSetting() {
    }

    ClusterSetting(String key, String value) {
        this.key = key;
        this.value = value;
    }

    String value() {
        return value;
    }
}
