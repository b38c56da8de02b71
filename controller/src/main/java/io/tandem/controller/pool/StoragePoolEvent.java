package io.tandem.controller.pool;

import java.util.UUID;

/** The storage pools of a node changed (created, modified or deleted): its desired state changed. */
public record StoragePoolEvent(UUID nodeId) {
}
