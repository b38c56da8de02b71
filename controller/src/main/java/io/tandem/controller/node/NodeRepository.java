package io.tandem.controller.node;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;

interface NodeRepository extends JpaRepository<Node, UUID> {
    Optional<Node> findByNameKey(String nameKey);

    List<Node> findAllByOrderByNameKey();
}
