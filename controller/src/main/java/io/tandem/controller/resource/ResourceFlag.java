package io.tandem.controller.resource;

/**
 * Flags of a resource, with LINSTOR's bits (linstor-server {@code Resource.Flags}), as stored in
 * {@code resources.flags}. DISKLESS is part of every diskless kind, so a DRBD_DISKLESS resource
 * lists both names, as LINSTOR's answers do.
 */
enum ResourceFlag implements Flag {
    CLEAN(1L),
    /** Deletion was requested; the rows go when the node's satellite confirms the removal. */
    DELETE(1L << 1),
    DISKLESS(1L << 2),
    DISK_ADD_REQUESTED(1L << 3),
    DISK_ADDING(1L << 4),
    DISK_REMOVE_REQUESTED(1L << 5),
    DISK_REMOVING(1L << 6),
    /** A replica without a disk of its own that reads and writes through its peers. */
    DRBD_DISKLESS(DISKLESS.bits | 1L << 8),
    TIE_BREAKER(DRBD_DISKLESS.bits | 1L << 7),
    NVME_INITIATOR(DISKLESS.bits | 1L << 9),
    INACTIVE(1L << 10),
    REACTIVATE(1L << 11),
    INACTIVE_PERMANENTLY(INACTIVE.bits | 1L << 12),
    BACKUP_RESTORE(1L << 13),
    EVICTED(INACTIVE.bits | 1L << 14),
    INACTIVE_BEFORE_EVICTION(1L << 15),
    RESTORE_FROM_SNAPSHOT(1L << 16),
    EVACUATE(1L << 17),
    DRBD_DELETE(1L << 18),
    INACTIVATING(1L << 19),
    EBS_INITIATOR(DISKLESS.bits | 1L << 20),
    AUTO_DISKFUL(1L << 21);

    private final long bits;

    ResourceFlag(long bits) {
        this.bits = bits;
    }

    @Override
    public long bits() {
        return bits;
    }
}
