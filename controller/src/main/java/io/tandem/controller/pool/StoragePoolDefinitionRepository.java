package io.tandem.controller.pool;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;

interface StoragePoolDefinitionRepository extends JpaRepository<StoragePoolDefinition, UUID> {
    Optional<StoragePoolDefinition> findByNameKey(String nameKey);

    List<StoragePoolDefinition> findAllByOrderByNameKey();
}
