package io.tandem.controller.resource;

import io.tandem.controller.rest.PropsModify;
import java.util.List;
import java.util.Map;

/**
 * The body of {@code PUT …/volume-definitions/{volume_number}}: a new size, property changes, and
 * flags to set ({@code GROSS_SIZE}) or clear ({@code -GROSS_SIZE}).
 */
record VolumeDefinitionModifyDto(
        Long sizeKib,
        Map<String, String> overrideProps,
        List<String> deleteProps,
        List<String> deleteNamespaces,
        List<String> flags) {
    PropsModify propsModify() {
        return new PropsModify(overrideProps, deleteProps, deleteNamespaces);
    }
}
