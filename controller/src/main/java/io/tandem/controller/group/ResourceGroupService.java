package io.tandem.controller.group;

import io.tandem.controller.rest.ApiException;
import io.tandem.controller.rest.RetCode;
import java.util.Locale;
import java.util.Map;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Resource groups; each public method is one transaction (or joins the caller's). */
@Service
public class ResourceGroupService {
    /** The group every resource definition belongs to unless it names another (seeded by V1). */
    public static final String DEFAULT_GROUP = "DfltRscGrp";

    private final ResourceGroupRepository groups;

    ResourceGroupService(ResourceGroupRepository groups) {
        this.groups = groups;
    }

    /** The group called {@code name} (any case), or a 404 naming it. */
    @Transactional(readOnly = true)
    public ResourceGroup require(String name) {
        return groups.findByNameKey(name.toUpperCase(Locale.ROOT)).orElseThrow(() -> ApiException.notFound(
                RetCode.FAIL_NOT_FOUND_RSC_GRP, "Resource group '%s' not found.".formatted(name),
                "Name an existing resource group, or leave the group out to use '%s'.".formatted(DEFAULT_GROUP),
                Map.of("RscGrp", name)));
    }
}
