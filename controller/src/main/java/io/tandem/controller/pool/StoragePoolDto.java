package io.tandem.controller.pool;

import io.tandem.controller.rest.ApiCallRc;
import java.util.List;
import java.util.Map;

/** LINSTOR's StoragePool, for input (create) and output. Capacities are in KiB. */
record StoragePoolDto(
        String storagePoolName,
        String nodeName,
        String providerKind,
        Map<String, String> props,
        Map<String, String> staticTraits,
        Long freeCapacity,
        Long totalCapacity,
        String freeSpaceMgrName,
        String uuid,
        List<ApiCallRc> reports,
        Boolean supportsSnapshots,
        String sharedSpace,
        Boolean externalLocking) {
}
