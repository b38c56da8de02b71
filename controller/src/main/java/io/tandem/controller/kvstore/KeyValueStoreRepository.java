package io.tandem.controller.kvstore;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;

interface KeyValueStoreRepository extends JpaRepository<KeyValueStore, UUID> {
    Optional<KeyValueStore> findByNameKey(String nameKey);

    List<KeyValueStore> findAllByOrderByNameKey();
}
