package io.tandem.controller.resource;

import io.tandem.controller.rest.ApiException;
import io.tandem.controller.rest.RetCode;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

interface ResourceDefinitionRepository extends JpaRepository<ResourceDefinition, UUID> {
    Optional<ResourceDefinition> findByNameKey(String nameKey);

    Optional<ResourceDefinition> findByExternalName(String externalName);

    @Query("select d from ResourceDefinition d join fetch d.resourceGroup order by d.nameKey")
    List<ResourceDefinition> findAllOrdered();

    /** The resource definition called {@code name} (any case), or a 404 naming it. */
    default ResourceDefinition require(String name) {
        return findByNameKey(name.toUpperCase(Locale.ROOT)).orElseThrow(() -> ApiException.notFound(
                RetCode.FAIL_NOT_FOUND_RSC_DFN, "Resource definition '%s' not found.".formatted(name),
                "Create it first (POST /v1/resource-definitions) or check the name with GET /v1/resource-definitions.",
                Map.of("RscDfn", name)));
    }
}
