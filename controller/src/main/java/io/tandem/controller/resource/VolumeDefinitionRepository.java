package io.tandem.controller.resource;

import java.util.Set;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

interface VolumeDefinitionRepository extends JpaRepository<VolumeDefinition, UUID> {
    /** Minor numbers are unique cluster-wide. */
    @Query("select v.minorNumber from VolumeDefinition v where v.minorNumber is not null")
    Set<Integer> findAllMinorNumbers();
}
