package io.tandem.controller.pool;

/**
 * How a pool stores volumes. FILE and FILE_THIN are directories of backing files (preallocated or
 * sparse) and work on every node; LVM and ZFS kinds call those tools on the node and are checked
 * against what the node's satellite reports it supports.
 */
public enum ProviderKind {
    DISKLESS(Provisioning.NONE, false),
    LVM(Provisioning.FAT, false),
    LVM_THIN(Provisioning.THIN, true),
    ZFS(Provisioning.FAT, true),
    ZFS_THIN(Provisioning.THIN, true),
    FILE(Provisioning.FAT, true),
    FILE_THIN(Provisioning.THIN, true);

    enum Provisioning { NONE, FAT, THIN }

    private final Provisioning provisioning;
    private final boolean supportsSnapshots;

    ProviderKind(Provisioning provisioning, boolean supportsSnapshots) {
        this.provisioning = provisioning;
        this.supportsSnapshots = supportsSnapshots;
    }

    Provisioning provisioning() {
        return provisioning;
    }

    public boolean supportsSnapshots() {
        return supportsSnapshots;
    }

    public boolean isFileBased() {
        return this == FILE || this == FILE_THIN;
    }
}
