package io.tandem.controller.group;

import java.util.Optional;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;

interface ResourceGroupRepository extends JpaRepository<ResourceGroup, UUID> {
    Optional<ResourceGroup> findByNameKey(String nameKey);
}
