package io.tandem.controller.pool;

import java.util.Map;

/** LINSTOR's StoragePoolDefinition. */
record StoragePoolDefinitionDto(String storagePoolName, Map<String, String> props, String uuid) {
}
