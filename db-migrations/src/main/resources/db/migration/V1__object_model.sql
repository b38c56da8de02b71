-- Tandem controller schema, version 1: the whole object model of ARCHITECTURE.md.
--
-- Portable SQL: this file runs unchanged on H2 (the default, an embedded file database) and on
-- PostgreSQL. Only types both understand are used: UUID, VARCHAR(n), INTEGER, BIGINT, BOOLEAN,
-- TIMESTAMP WITH TIME ZONE.
--
-- Conventions
--  * Every object has a UUID primary key (shown as `uuid` in the REST API) and a `version`
--    column for optimistic locking: two operators changing the same object at once get a 409,
--    never a lost update.
--  * Names are case-insensitive and case-preserving, as in LINSTOR: `name` keeps the spelling the
--    operator chose, `name_key` holds the upper-cased form and carries the uniqueness constraint.
--  * Flags are BIGINT bit sets; each owning entity documents its bits.
--  * Properties (string -> string, LINSTOR's "props") live in one table per owning object kind,
--    deleted with their owner.
--  * Lists inside a select filter are stored as JSON text: they are read and written as a whole
--    and never queried piecewise.
--  * Observed state (connection status, capacity, disk states) is NOT stored: satellites report
--    it and the controller keeps it in memory.

-- ---------------------------------------------------------------------------------------------
-- Controller-wide settings
-- ---------------------------------------------------------------------------------------------
CREATE TABLE controller_props (
    prop_key   VARCHAR(256)   NOT NULL PRIMARY KEY,
    prop_value VARCHAR(65535) NOT NULL
);

CREATE TABLE key_value_stores (
    id       UUID         NOT NULL PRIMARY KEY,
    name_key VARCHAR(64)  NOT NULL,
    name     VARCHAR(64)  NOT NULL,
    version  BIGINT       NOT NULL,
    CONSTRAINT uq_key_value_stores_name UNIQUE (name_key)
);
CREATE TABLE key_value_store_props (
    owner_id   UUID           NOT NULL,
    prop_key   VARCHAR(256)   NOT NULL,
    prop_value VARCHAR(65535) NOT NULL,
    CONSTRAINT pk_key_value_store_props PRIMARY KEY (owner_id, prop_key),
    CONSTRAINT fk_key_value_store_props_owner FOREIGN KEY (owner_id) REFERENCES key_value_stores (id) ON DELETE CASCADE
);

-- Unexpected server errors, kept so that the id in an ApiCallRc's error_report_ids can be looked up.
CREATE TABLE error_reports (
    id                VARCHAR(64)      NOT NULL PRIMARY KEY,
    node_name         VARCHAR(255)     NOT NULL,
    module            VARCHAR(32)      NOT NULL,
    error_time        TIMESTAMP WITH TIME ZONE NOT NULL,
    version           VARCHAR(64),
    peer              VARCHAR(255),
    exception         VARCHAR(512),
    exception_message VARCHAR(65535),
    origin_file       VARCHAR(512),
    origin_method     VARCHAR(512),
    origin_line       INTEGER,
    report_text       VARCHAR(1000000) NOT NULL
);
CREATE INDEX ix_error_reports_time ON error_reports (error_time);

-- ---------------------------------------------------------------------------------------------
-- Nodes
-- ---------------------------------------------------------------------------------------------
-- flags: 1 DELETE, 2 EVICTED, 4 EVACUATE, 8 QIGNORE
CREATE TABLE nodes (
    id         UUID         NOT NULL PRIMARY KEY,
    name_key   VARCHAR(255) NOT NULL,
    name       VARCHAR(255) NOT NULL,
    node_type  VARCHAR(32)  NOT NULL,
    flags      BIGINT       NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    version    BIGINT       NOT NULL,
    CONSTRAINT uq_nodes_name UNIQUE (name_key)
);
CREATE TABLE node_props (
    owner_id   UUID           NOT NULL,
    prop_key   VARCHAR(256)   NOT NULL,
    prop_value VARCHAR(65535) NOT NULL,
    CONSTRAINT pk_node_props PRIMARY KEY (owner_id, prop_key),
    CONSTRAINT fk_node_props_owner FOREIGN KEY (owner_id) REFERENCES nodes (id) ON DELETE CASCADE
);

CREATE TABLE net_interfaces (
    id              UUID         NOT NULL PRIMARY KEY,
    node_id         UUID         NOT NULL,
    name_key        VARCHAR(32)  NOT NULL,
    name            VARCHAR(32)  NOT NULL,
    address         VARCHAR(64)  NOT NULL,
    satellite_port  INTEGER,
    encryption_type VARCHAR(8),
    is_active       BOOLEAN      NOT NULL,
    version         BIGINT       NOT NULL,
    CONSTRAINT uq_net_interfaces_name UNIQUE (node_id, name_key),
    CONSTRAINT fk_net_interfaces_node FOREIGN KEY (node_id) REFERENCES nodes (id) ON DELETE CASCADE
);

-- Connection settings between two nodes (node_a_id < node_b_id by UUID order, one row per pair).
CREATE TABLE node_connections (
    id        UUID   NOT NULL PRIMARY KEY,
    node_a_id UUID   NOT NULL,
    node_b_id UUID   NOT NULL,
    version   BIGINT NOT NULL,
    CONSTRAINT uq_node_connections_pair UNIQUE (node_a_id, node_b_id),
    CONSTRAINT fk_node_connections_a FOREIGN KEY (node_a_id) REFERENCES nodes (id) ON DELETE CASCADE,
    CONSTRAINT fk_node_connections_b FOREIGN KEY (node_b_id) REFERENCES nodes (id) ON DELETE CASCADE
);
CREATE TABLE node_connection_props (
    owner_id   UUID           NOT NULL,
    prop_key   VARCHAR(256)   NOT NULL,
    prop_value VARCHAR(65535) NOT NULL,
    CONSTRAINT pk_node_connection_props PRIMARY KEY (owner_id, prop_key),
    CONSTRAINT fk_node_connection_props_owner FOREIGN KEY (owner_id) REFERENCES node_connections (id) ON DELETE CASCADE
);

-- ---------------------------------------------------------------------------------------------
-- Storage pools
-- ---------------------------------------------------------------------------------------------
CREATE TABLE storage_pool_definitions (
    id       UUID        NOT NULL PRIMARY KEY,
    name_key VARCHAR(48) NOT NULL,
    name     VARCHAR(48) NOT NULL,
    version  BIGINT      NOT NULL,
    CONSTRAINT uq_storage_pool_definitions_name UNIQUE (name_key)
);
CREATE TABLE storage_pool_definition_props (
    owner_id   UUID           NOT NULL,
    prop_key   VARCHAR(256)   NOT NULL,
    prop_value VARCHAR(65535) NOT NULL,
    CONSTRAINT pk_storage_pool_definition_props PRIMARY KEY (owner_id, prop_key),
    CONSTRAINT fk_storage_pool_definition_props_owner FOREIGN KEY (owner_id) REFERENCES storage_pool_definitions (id) ON DELETE CASCADE
);

CREATE TABLE storage_pools (
    id                   UUID         NOT NULL PRIMARY KEY,
    node_id              UUID         NOT NULL,
    definition_id        UUID         NOT NULL,
    provider_kind        VARCHAR(32)  NOT NULL,
    free_space_mgr_name  VARCHAR(512) NOT NULL,
    external_locking     BOOLEAN      NOT NULL,
    version              BIGINT       NOT NULL,
    CONSTRAINT uq_storage_pools_node_definition UNIQUE (node_id, definition_id),
    CONSTRAINT fk_storage_pools_node FOREIGN KEY (node_id) REFERENCES nodes (id),
    CONSTRAINT fk_storage_pools_definition FOREIGN KEY (definition_id) REFERENCES storage_pool_definitions (id)
);
CREATE TABLE storage_pool_props (
    owner_id   UUID           NOT NULL,
    prop_key   VARCHAR(256)   NOT NULL,
    prop_value VARCHAR(65535) NOT NULL,
    CONSTRAINT pk_storage_pool_props PRIMARY KEY (owner_id, prop_key),
    CONSTRAINT fk_storage_pool_props_owner FOREIGN KEY (owner_id) REFERENCES storage_pools (id) ON DELETE CASCADE
);

-- ---------------------------------------------------------------------------------------------
-- Resource groups and volume groups: templates that spawn resource definitions
-- ---------------------------------------------------------------------------------------------
CREATE TABLE resource_groups (
    id                          UUID          NOT NULL PRIMARY KEY,
    name_key                    VARCHAR(48)   NOT NULL,
    name                        VARCHAR(48)   NOT NULL,
    description                 VARCHAR(4096),
    peer_slots                  INTEGER,
    -- the auto-select filter
    place_count                 INTEGER,
    storage_pool_list           VARCHAR(65535),
    storage_pool_diskless_list  VARCHAR(65535),
    node_name_list              VARCHAR(65535),
    not_place_with_rsc          VARCHAR(65535),
    not_place_with_rsc_regex    VARCHAR(4096),
    replicas_on_same            VARCHAR(65535),
    replicas_on_different       VARCHAR(65535),
    x_replicas_on_different_map VARCHAR(65535),
    layer_stack                 VARCHAR(4096),
    provider_list               VARCHAR(4096),
    diskless_on_remaining       BOOLEAN,
    diskless_type               VARCHAR(32),
    version                     BIGINT        NOT NULL,
    CONSTRAINT uq_resource_groups_name UNIQUE (name_key)
);
CREATE TABLE resource_group_props (
    owner_id   UUID           NOT NULL,
    prop_key   VARCHAR(256)   NOT NULL,
    prop_value VARCHAR(65535) NOT NULL,
    CONSTRAINT pk_resource_group_props PRIMARY KEY (owner_id, prop_key),
    CONSTRAINT fk_resource_group_props_owner FOREIGN KEY (owner_id) REFERENCES resource_groups (id) ON DELETE CASCADE
);

CREATE TABLE volume_groups (
    id                UUID    NOT NULL PRIMARY KEY,
    resource_group_id UUID    NOT NULL,
    volume_number     INTEGER NOT NULL,
    flags             BIGINT  NOT NULL,
    version           BIGINT  NOT NULL,
    CONSTRAINT uq_volume_groups_number UNIQUE (resource_group_id, volume_number),
    CONSTRAINT ck_volume_groups_number CHECK (volume_number BETWEEN 0 AND 65534),
    CONSTRAINT fk_volume_groups_group FOREIGN KEY (resource_group_id) REFERENCES resource_groups (id) ON DELETE CASCADE
);
CREATE TABLE volume_group_props (
    owner_id   UUID           NOT NULL,
    prop_key   VARCHAR(256)   NOT NULL,
    prop_value VARCHAR(65535) NOT NULL,
    CONSTRAINT pk_volume_group_props PRIMARY KEY (owner_id, prop_key),
    CONSTRAINT fk_volume_group_props_owner FOREIGN KEY (owner_id) REFERENCES volume_groups (id) ON DELETE CASCADE
);

-- ---------------------------------------------------------------------------------------------
-- Resource definitions and volume definitions: what is replicated, and with which settings
-- ---------------------------------------------------------------------------------------------
-- flags: 1 DELETE, 2 RESTORE_TARGET, 4 CLONING, 8 FAILED
CREATE TABLE resource_definitions (
    id                  UUID         NOT NULL PRIMARY KEY,
    name_key            VARCHAR(48)  NOT NULL,
    name                VARCHAR(48)  NOT NULL,
    external_name       VARCHAR(1024),
    resource_group_id   UUID         NOT NULL,
    flags               BIGINT       NOT NULL,
    -- replication settings shared by all replicas
    shared_secret       VARCHAR(256),
    peer_slots          INTEGER      NOT NULL,
    al_stripes          INTEGER      NOT NULL,
    al_stripe_size_kib  BIGINT       NOT NULL,
    transport_type      VARCHAR(16)  NOT NULL,
    layer_stack         VARCHAR(4096),
    created_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    version             BIGINT       NOT NULL,
    CONSTRAINT uq_resource_definitions_name UNIQUE (name_key),
    CONSTRAINT uq_resource_definitions_external_name UNIQUE (external_name),
    CONSTRAINT fk_resource_definitions_group FOREIGN KEY (resource_group_id) REFERENCES resource_groups (id)
);
CREATE TABLE resource_definition_props (
    owner_id   UUID           NOT NULL,
    prop_key   VARCHAR(256)   NOT NULL,
    prop_value VARCHAR(65535) NOT NULL,
    CONSTRAINT pk_resource_definition_props PRIMARY KEY (owner_id, prop_key),
    CONSTRAINT fk_resource_definition_props_owner FOREIGN KEY (owner_id) REFERENCES resource_definitions (id) ON DELETE CASCADE
);

-- flags: 1 DELETE, 2 ENCRYPTED, 4 RESIZE, 8 GROSS_SIZE, 16 RESIZE_SHRINK, 32 DRBD_INITIALIZED
CREATE TABLE volume_definitions (
    id                     UUID    NOT NULL PRIMARY KEY,
    resource_definition_id UUID    NOT NULL,
    volume_number          INTEGER NOT NULL,
    size_kib               BIGINT  NOT NULL,
    minor_number           INTEGER,
    flags                  BIGINT  NOT NULL,
    version                BIGINT  NOT NULL,
    CONSTRAINT uq_volume_definitions_number UNIQUE (resource_definition_id, volume_number),
    CONSTRAINT uq_volume_definitions_minor UNIQUE (minor_number),
    CONSTRAINT ck_volume_definitions_number CHECK (volume_number BETWEEN 0 AND 65534),
    CONSTRAINT ck_volume_definitions_size CHECK (size_kib > 0),
    CONSTRAINT fk_volume_definitions_rd FOREIGN KEY (resource_definition_id) REFERENCES resource_definitions (id) ON DELETE CASCADE
);
CREATE TABLE volume_definition_props (
    owner_id   UUID           NOT NULL,
    prop_key   VARCHAR(256)   NOT NULL,
    prop_value VARCHAR(65535) NOT NULL,
    CONSTRAINT pk_volume_definition_props PRIMARY KEY (owner_id, prop_key),
    CONSTRAINT fk_volume_definition_props_owner FOREIGN KEY (owner_id) REFERENCES volume_definitions (id) ON DELETE CASCADE
);

-- ---------------------------------------------------------------------------------------------
-- Resources and volumes: a resource definition placed on a node
-- ---------------------------------------------------------------------------------------------
-- flags: LINSTOR's resource flags (DELETE, DISKLESS, DRBD_DISKLESS, TIE_BREAKER, INACTIVE, ...),
-- bit positions documented on the Resource entity.
CREATE TABLE resources (
    id                     UUID    NOT NULL PRIMARY KEY,
    resource_definition_id UUID    NOT NULL,
    node_id                UUID    NOT NULL,
    -- the replica's node id inside the resource (DRBD's node-id, 0..31)
    replica_node_id        INTEGER NOT NULL,
    -- the TCP port the replica listens on for its peers (7000..7999 by default, unique per node)
    tcp_port               INTEGER,
    flags                  BIGINT  NOT NULL,
    created_at             TIMESTAMP WITH TIME ZONE NOT NULL,
    version                BIGINT  NOT NULL,
    CONSTRAINT uq_resources_placement UNIQUE (resource_definition_id, node_id),
    CONSTRAINT uq_resources_replica_node_id UNIQUE (resource_definition_id, replica_node_id),
    CONSTRAINT uq_resources_node_port UNIQUE (node_id, tcp_port),
    CONSTRAINT ck_resources_replica_node_id CHECK (replica_node_id BETWEEN 0 AND 31),
    CONSTRAINT fk_resources_rd FOREIGN KEY (resource_definition_id) REFERENCES resource_definitions (id),
    CONSTRAINT fk_resources_node FOREIGN KEY (node_id) REFERENCES nodes (id)
);
CREATE TABLE resource_props (
    owner_id   UUID           NOT NULL,
    prop_key   VARCHAR(256)   NOT NULL,
    prop_value VARCHAR(65535) NOT NULL,
    CONSTRAINT pk_resource_props PRIMARY KEY (owner_id, prop_key),
    CONSTRAINT fk_resource_props_owner FOREIGN KEY (owner_id) REFERENCES resources (id) ON DELETE CASCADE
);

-- Connection settings between two replicas of one resource.
CREATE TABLE resource_connections (
    id            UUID   NOT NULL PRIMARY KEY,
    resource_a_id UUID   NOT NULL,
    resource_b_id UUID   NOT NULL,
    flags         BIGINT NOT NULL,
    version       BIGINT NOT NULL,
    CONSTRAINT uq_resource_connections_pair UNIQUE (resource_a_id, resource_b_id),
    CONSTRAINT fk_resource_connections_a FOREIGN KEY (resource_a_id) REFERENCES resources (id) ON DELETE CASCADE,
    CONSTRAINT fk_resource_connections_b FOREIGN KEY (resource_b_id) REFERENCES resources (id) ON DELETE CASCADE
);
CREATE TABLE resource_connection_props (
    owner_id   UUID           NOT NULL,
    prop_key   VARCHAR(256)   NOT NULL,
    prop_value VARCHAR(65535) NOT NULL,
    CONSTRAINT pk_resource_connection_props PRIMARY KEY (owner_id, prop_key),
    CONSTRAINT fk_resource_connection_props_owner FOREIGN KEY (owner_id) REFERENCES resource_connections (id) ON DELETE CASCADE
);

-- flags: 1 DELETE, 2 RESIZE, 4 DRBD_RESIZE, 8 CLONING_START, 16 CLONING, 32 CLONING_FINISHED, 64 DRBD_DELETE
CREATE TABLE volumes (
    id                   UUID   NOT NULL PRIMARY KEY,
    resource_id          UUID   NOT NULL,
    volume_definition_id UUID   NOT NULL,
    -- NULL for a diskless replica
    storage_pool_id      UUID,
    flags                BIGINT NOT NULL,
    version              BIGINT NOT NULL,
    CONSTRAINT uq_volumes_resource_vd UNIQUE (resource_id, volume_definition_id),
    CONSTRAINT fk_volumes_resource FOREIGN KEY (resource_id) REFERENCES resources (id) ON DELETE CASCADE,
    CONSTRAINT fk_volumes_vd FOREIGN KEY (volume_definition_id) REFERENCES volume_definitions (id),
    CONSTRAINT fk_volumes_pool FOREIGN KEY (storage_pool_id) REFERENCES storage_pools (id)
);
CREATE INDEX ix_volumes_pool ON volumes (storage_pool_id);
CREATE TABLE volume_props (
    owner_id   UUID           NOT NULL,
    prop_key   VARCHAR(256)   NOT NULL,
    prop_value VARCHAR(65535) NOT NULL,
    CONSTRAINT pk_volume_props PRIMARY KEY (owner_id, prop_key),
    CONSTRAINT fk_volume_props_owner FOREIGN KEY (owner_id) REFERENCES volumes (id) ON DELETE CASCADE
);

-- ---------------------------------------------------------------------------------------------
-- Snapshots: one consistent point of a resource definition, taken on its diskful replicas
-- ---------------------------------------------------------------------------------------------
-- flags: 1 SUCCESSFUL, 2 FAILED_DEPLOYMENT, 4 FAILED_DISCONNECT, 8 DELETE, ...
CREATE TABLE snapshot_definitions (
    id                     UUID        NOT NULL PRIMARY KEY,
    resource_definition_id UUID        NOT NULL,
    name_key               VARCHAR(48) NOT NULL,
    name                   VARCHAR(48) NOT NULL,
    flags                  BIGINT      NOT NULL,
    created_at             TIMESTAMP WITH TIME ZONE NOT NULL,
    version                BIGINT      NOT NULL,
    CONSTRAINT uq_snapshot_definitions_name UNIQUE (resource_definition_id, name_key),
    CONSTRAINT fk_snapshot_definitions_rd FOREIGN KEY (resource_definition_id) REFERENCES resource_definitions (id)
);
CREATE TABLE snapshot_definition_props (
    owner_id   UUID           NOT NULL,
    prop_key   VARCHAR(256)   NOT NULL,
    prop_value VARCHAR(65535) NOT NULL,
    CONSTRAINT pk_snapshot_definition_props PRIMARY KEY (owner_id, prop_key),
    CONSTRAINT fk_snapshot_definition_props_owner FOREIGN KEY (owner_id) REFERENCES snapshot_definitions (id) ON DELETE CASCADE
);

CREATE TABLE snapshot_volume_definitions (
    id                     UUID    NOT NULL PRIMARY KEY,
    snapshot_definition_id UUID    NOT NULL,
    volume_number          INTEGER NOT NULL,
    size_kib               BIGINT  NOT NULL,
    flags                  BIGINT  NOT NULL,
    version                BIGINT  NOT NULL,
    CONSTRAINT uq_snapshot_volume_definitions_number UNIQUE (snapshot_definition_id, volume_number),
    CONSTRAINT fk_snapshot_volume_definitions_sd FOREIGN KEY (snapshot_definition_id) REFERENCES snapshot_definitions (id) ON DELETE CASCADE
);
CREATE TABLE snapshot_volume_definition_props (
    owner_id   UUID           NOT NULL,
    prop_key   VARCHAR(256)   NOT NULL,
    prop_value VARCHAR(65535) NOT NULL,
    CONSTRAINT pk_snapshot_volume_definition_props PRIMARY KEY (owner_id, prop_key),
    CONSTRAINT fk_snapshot_volume_definition_props_owner FOREIGN KEY (owner_id) REFERENCES snapshot_volume_definitions (id) ON DELETE CASCADE
);

CREATE TABLE snapshots (
    id                     UUID    NOT NULL PRIMARY KEY,
    snapshot_definition_id UUID    NOT NULL,
    node_id                UUID    NOT NULL,
    replica_node_id        INTEGER NOT NULL,
    flags                  BIGINT  NOT NULL,
    created_at             TIMESTAMP WITH TIME ZONE NOT NULL,
    version                BIGINT  NOT NULL,
    CONSTRAINT uq_snapshots_placement UNIQUE (snapshot_definition_id, node_id),
    CONSTRAINT fk_snapshots_sd FOREIGN KEY (snapshot_definition_id) REFERENCES snapshot_definitions (id) ON DELETE CASCADE,
    CONSTRAINT fk_snapshots_node FOREIGN KEY (node_id) REFERENCES nodes (id)
);
CREATE TABLE snapshot_props (
    owner_id   UUID           NOT NULL,
    prop_key   VARCHAR(256)   NOT NULL,
    prop_value VARCHAR(65535) NOT NULL,
    CONSTRAINT pk_snapshot_props PRIMARY KEY (owner_id, prop_key),
    CONSTRAINT fk_snapshot_props_owner FOREIGN KEY (owner_id) REFERENCES snapshots (id) ON DELETE CASCADE
);

CREATE TABLE snapshot_volumes (
    id                            UUID   NOT NULL PRIMARY KEY,
    snapshot_id                   UUID   NOT NULL,
    snapshot_volume_definition_id UUID   NOT NULL,
    storage_pool_id               UUID   NOT NULL,
    flags                         BIGINT NOT NULL,
    version                       BIGINT NOT NULL,
    CONSTRAINT uq_snapshot_volumes_svd UNIQUE (snapshot_id, snapshot_volume_definition_id),
    CONSTRAINT fk_snapshot_volumes_snapshot FOREIGN KEY (snapshot_id) REFERENCES snapshots (id) ON DELETE CASCADE,
    CONSTRAINT fk_snapshot_volumes_svd FOREIGN KEY (snapshot_volume_definition_id) REFERENCES snapshot_volume_definitions (id),
    CONSTRAINT fk_snapshot_volumes_pool FOREIGN KEY (storage_pool_id) REFERENCES storage_pools (id)
);
CREATE INDEX ix_snapshot_volumes_pool ON snapshot_volumes (storage_pool_id);
CREATE TABLE snapshot_volume_props (
    owner_id   UUID           NOT NULL,
    prop_key   VARCHAR(256)   NOT NULL,
    prop_value VARCHAR(65535) NOT NULL,
    CONSTRAINT pk_snapshot_volume_props PRIMARY KEY (owner_id, prop_key),
    CONSTRAINT fk_snapshot_volume_props_owner FOREIGN KEY (owner_id) REFERENCES snapshot_volumes (id) ON DELETE CASCADE
);

-- ---------------------------------------------------------------------------------------------
-- Built-in objects every LINSTOR client expects to exist
-- ---------------------------------------------------------------------------------------------
INSERT INTO resource_groups (id, name_key, name, description, version)
VALUES ('00000000-0000-4000-8000-000000000001', 'DFLTRSCGRP', 'DfltRscGrp', '', 0);

INSERT INTO storage_pool_definitions (id, name_key, name, version)
VALUES ('00000000-0000-4000-8000-000000000002', 'DFLTDISKLESSSTORPOOL', 'DfltDisklessStorPool', 0);
