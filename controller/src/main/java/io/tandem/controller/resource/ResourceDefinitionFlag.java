package io.tandem.controller.resource;

/** Flags of a resource definition, as stored in {@code resource_definitions.flags}. */
enum ResourceDefinitionFlag implements Flag {
    /** Deletion was requested; the definition goes once its last resource is gone. */
    DELETE(1),
    RESTORE_TARGET(2),
    CLONING(4),
    FAILED(8);

    private final long bits;

    ResourceDefinitionFlag(long bits) {
        this.bits = bits;
    }

    @Override
    public long bits() {
        return bits;
    }
}
