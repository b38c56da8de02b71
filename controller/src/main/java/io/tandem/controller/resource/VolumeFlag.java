package io.tandem.controller.resource;

/** Flags of a volume, as stored in {@code volumes.flags}. */
enum VolumeFlag implements Flag {
    DELETE(1),
    RESIZE(2),
    DRBD_RESIZE(4),
    CLONING_START(8),
    CLONING(16),
    CLONING_FINISHED(32),
    DRBD_DELETE(64);

    private final long bits;

    VolumeFlag(long bits) {
        this.bits = bits;
    }

    @Override
    public long bits() {
        return bits;
    }
}
