package io.tandem.controller.node;

import io.tandem.controller.rest.PropsModify;
import java.util.List;
import java.util.Map;

/** The body of {@code PUT /v1/nodes/{node}}. */
record NodeModifyDto(String nodeType, Map<String, String> overrideProps, List<String> deleteProps,
                     List<String> deleteNamespaces) {
    PropsModify propsModify() {
        return new PropsModify(overrideProps, deleteProps, deleteNamespaces);
    }
}
