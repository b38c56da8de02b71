package io.tandem.controller.resource;

import io.tandem.controller.node.Node;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

interface ResourceRepository extends JpaRepository<Resource, UUID> {
    @Query("select r from Resource r join fetch r.node n where r.resourceDefinition = :definition order by n.nameKey")
    List<Resource> findAllOf(@Param("definition") ResourceDefinition definition);

    @Query("select r from Resource r join fetch r.node n where r.resourceDefinition = :definition"
            + " and n.nameKey = :nodeKey")
    Optional<Resource> findOne(@Param("definition") ResourceDefinition definition, @Param("nodeKey") String nodeKey);

    @Query("select r from Resource r join fetch r.resourceDefinition d join fetch r.node n order by d.nameKey, n.nameKey")
    List<Resource> findAllOrdered();

    @Query("select r from Resource r join fetch r.resourceDefinition d where r.node = :node order by d.nameKey")
    List<Resource> findAllOn(@Param("node") Node node);

    long countByResourceDefinition(ResourceDefinition definition);

    @Query("select r.replicaNodeId from Resource r where r.resourceDefinition = :definition")
    Set<Integer> findReplicaNodeIds(@Param("definition") ResourceDefinition definition);

    /** TCP ports are unique per node. */
    @Query("select r.tcpPort from Resource r where r.node = :node and r.tcpPort is not null")
    Set<Integer> findTcpPorts(@Param("node") Node node);
}
