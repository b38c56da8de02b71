package io.tandem.controller.resource;

/** The replication settings all replicas of a resource definition share (LINSTOR's DrbdResourceDefinitionLayer). */
record DrbdResourceDefinitionLayerDto(
        String resourceNameSuffix,
        Integer peerSlots,
        Integer alStripes,
        Long alStripeSizeKib,
        Integer port,
        String transportType,
        String secret,
        Boolean down) {
}
