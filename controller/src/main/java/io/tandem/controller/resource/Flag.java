package io.tandem.controller.resource;

import java.util.ArrayList;
import java.util.List;

/**
 * A flag stored in a BIGINT bit set, with LINSTOR's name and bits. Some flags imply others (their
 * bits include the other's bits, e.g. DRBD_DISKLESS includes DISKLESS), so a set flag is one whose
 * bits are all set, and the names of a bit set list every such flag, as LINSTOR lists them.
 */
interface Flag {
    long bits();

    String name();

    static <F extends Enum<F> & Flag> List<String> names(F[] flags, long bits) {
        List<String> names = new ArrayList<>();
        for (F flag : flags) {
            if (isSet(flag, bits)) {
                names.add(flag.name());
            }
        }
        return names;
    }

    static boolean isSet(Flag flag, long bits) {
        return (bits & flag.bits()) == flag.bits();
    }
}
