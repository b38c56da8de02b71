package io.tandem.controller.resource;

import io.tandem.controller.rest.ApiException;
import io.tandem.controller.rest.EnumInput;
import io.tandem.controller.rest.RetCode;
import java.util.List;
import java.util.Map;

/**
 * LINSTOR's layer kinds. Tandem builds every resource as DRBD (its replication engine) over
 * STORAGE (a volume in a storage pool); the other kinds are known names that it does not build.
 */
enum LayerType {
    DRBD,
    LUKS,
    STORAGE,
    NVME,
    WRITECACHE,
    CACHE,
    BCACHE;

    /** The one layer stack Tandem builds. */
    static final List<LayerType> STACK = List.of(DRBD, STORAGE);

    /**
     * Checks a layer stack a client asked for: absent or empty means the default, anything else
     * must be exactly DRBD over STORAGE (in any case).
     */
    static void checkStack(List<String> requested, Map<String, String> refs) {
        if (requested == null || requested.isEmpty()) {
            return;
        }
        List<LayerType> stack = requested.stream()
                .map(raw -> EnumInput.parse(LayerType.class, raw, "layer kind", RetCode.FAIL_INVLD_LAYER_KIND, refs))
                .toList();
        if (!stack.equals(STACK)) {
            throw ApiException.invalid(RetCode.FAIL_INVLD_LAYER_STACK,
                    "Unsupported layer stack %s.".formatted(stack),
                    "Tandem builds every resource as DRBD (replication) over STORAGE (a volume in a storage pool).",
                    "Leave the layer list out, or send [\"DRBD\", \"STORAGE\"].", refs);
        }
    }
}
