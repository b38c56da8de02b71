package io.tandem.controller.node;

import java.util.ArrayList;
import java.util.List;

/** Node flags as stored in {@code nodes.flags}. EVICTED implies DELETE, as in LINSTOR. */
public enum NodeFlag {
    DELETE(1),
    EVICTED(2 | 1),
    EVACUATE(4),
    QIGNORE(8);

    private final long bits;

    NodeFlag(long bits) {
        this.bits = bits;
    }

    public long bits() {
        return bits;
    }

    public static List<String> names(long flags) {
        List<String> names = new ArrayList<>();
        for (NodeFlag flag : values()) {
            if ((flags & flag.bits) == flag.bits) {
                names.add(flag.name());
            }
        }
        return names;
    }
}
