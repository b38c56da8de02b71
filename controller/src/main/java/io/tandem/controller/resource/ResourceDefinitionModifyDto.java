package io.tandem.controller.resource;

import io.tandem.controller.rest.PropsModify;
import java.util.List;
import java.util.Map;

/** The body of {@code PUT /v1/resource-definitions/{resource}}. */
record ResourceDefinitionModifyDto(
        Map<String, String> overrideProps,
        List<String> deleteProps,
        List<String> deleteNamespaces,
        Integer drbdPort,
        Integer drbdPeerSlots,
        List<String> layerStack,
        String resourceGroup) {
    PropsModify propsModify() {
        return new PropsModify(overrideProps, deleteProps, deleteNamespaces);
    }
}
