package io.tandem.controller.pool;

import io.tandem.controller.node.Node;
import java.util.List;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

interface StoragePoolRepository extends JpaRepository<StoragePool, UUID> {
    List<StoragePool> findAllByNode(Node node);

    List<StoragePool> findAllByDefinition(StoragePoolDefinition definition);

    @Query("select p from StoragePool p join fetch p.node n join fetch p.definition d order by n.nameKey, d.nameKey")
    List<StoragePool> findAllOrdered();

    /** Volumes and snapshot volumes carved from the pool: while there are any, it must stay. */
    @Query(nativeQuery = true, value = """
            select (select count(*) from volumes where storage_pool_id = :poolId)
                 + (select count(*) from snapshot_volumes where storage_pool_id = :poolId)""")
    long countVolumesIn(@Param("poolId") UUID poolId);
}
