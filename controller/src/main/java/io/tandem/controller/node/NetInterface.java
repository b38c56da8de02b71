package io.tandem.controller.node;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.util.UUID;
import io.tandem.controller.rest.Name;

/** An address at which a node's satellite can be reached. */
@Entity
@Table(name = "net_interfaces")
public class NetInterface {
    @Id
    private UUID id;

    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "node_id")
    private Node node;

    @Column(name = "name_key", nullable = false)
    private String nameKey;

    @Column(nullable = false)
    private String name;

    @Column(nullable = false)
    private String address;

    @Column(name = "satellite_port")
    private Integer satellitePort;

    @Enumerated(EnumType.STRING)
    @Column(name = "encryption_type")
    private EncryptionType encryptionType;

    @Column(name = "is_active", nullable = false)
    private boolean active;

    @Version
    private long version;

    protected NetInterface() {
    }

    NetInterface(Node node, Name name, String address, int satellitePort, EncryptionType encryptionType) {
        this.id = UUID.randomUUID();
        this.node = node;
        this.nameKey = name.key();
        this.name = name.value();
        this.address = address;
        this.satellitePort = satellitePort;
        this.encryptionType = encryptionType;
    }

    public UUID id() {
        return id;
    }

    String nameKey() {
        return nameKey;
    }

    public String name() {
        return name;
    }

    public String address() {
        return address;
    }

    public Integer satellitePort() {
        return satellitePort;
    }

    public EncryptionType encryptionType() {
        return encryptionType;
    }

    public boolean isActive() {
        return active;
    }

    void setActive(boolean active) {
        this.active = active;
    }

    void setAddress(String address) {
        this.address = address;
    }

    void setSatellitePort(int satellitePort) {
        this.satellitePort = satellitePort;
    }

    void setEncryptionType(EncryptionType encryptionType) {
        this.encryptionType = encryptionType;
    }
}
