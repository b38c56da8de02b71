package io.tandem.controller.resource;

/** Flags of a volume definition, as stored in {@code volume_definitions.flags}. */
enum VolumeDefinitionFlag implements Flag {
    DELETE(1),
    ENCRYPTED(2),
    RESIZE(4),
    /** {@code size_kib} is the gross size: the replication metadata is carved out of it. */
    GROSS_SIZE(8),
    RESIZE_SHRINK(16),
    DRBD_INITIALIZED(32);

    private final long bits;

    VolumeDefinitionFlag(long bits) {
        this.bits = bits;
    }

    @Override
    public long bits() {
        return bits;
    }
}
