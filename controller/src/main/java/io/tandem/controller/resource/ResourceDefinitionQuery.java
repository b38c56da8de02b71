package io.tandem.controller.resource;

import io.tandem.controller.rest.Page;
import java.util.List;

/**
 * What {@code GET /v1/resource-definitions} asks for: name and property filters, whether each
 * definition carries its volume definitions, and the page.
 */
record ResourceDefinitionQuery(List<String> names, List<String> props, boolean withVolumeDefinitions, Page page) {
}
