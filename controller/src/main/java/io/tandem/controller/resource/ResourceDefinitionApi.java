package io.tandem.controller.resource;

import io.tandem.controller.rest.ApiCallRc;
import io.tandem.controller.rest.Page;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Resource definitions and their volume definitions. */
@RestController
@RequestMapping("/v1/resource-definitions")
class ResourceDefinitionApi {
    private final ResourceDefinitionService definitions;
    private final VolumeDefinitionService volumeDefinitions;

    ResourceDefinitionApi(ResourceDefinitionService definitions, VolumeDefinitionService volumeDefinitions) {
        this.definitions = definitions;
        this.volumeDefinitions = volumeDefinitions;
    }

    @GetMapping
    List<ResourceDefinitionDto> list(
            @RequestParam(name = "resource_definitions", required = false) List<String> resourceDefinitions,
            @RequestParam(required = false) List<String> props,
            @RequestParam(name = "with_volume_definitions", required = false) Boolean withVolumeDefinitions,
            @RequestParam(required = false) Integer offset,
            @RequestParam(required = false) Integer limit) {
        return definitions.list(new ResourceDefinitionQuery(resourceDefinitions, props,
                Boolean.TRUE.equals(withVolumeDefinitions), Page.of(offset, limit)));
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    List<ApiCallRc> create(@RequestBody ResourceDefinitionCreateDto request) {
        return definitions.create(request);
    }

    @GetMapping("/{resource}")
    ResourceDefinitionDto get(@PathVariable String resource) {
        return definitions.get(resource);
    }

    @PutMapping("/{resource}")
    List<ApiCallRc> modify(@PathVariable String resource, @RequestBody ResourceDefinitionModifyDto request) {
        return definitions.modify(resource, request);
    }

    @DeleteMapping("/{resource}")
    List<ApiCallRc> delete(@PathVariable String resource) {
        return definitions.delete(resource);
    }

    @GetMapping("/{resource}/volume-definitions")
    List<VolumeDefinitionDto> volumeDefinitions(@PathVariable String resource,
                                                @RequestParam(required = false) Integer offset,
                                                @RequestParam(required = false) Integer limit) {
        return volumeDefinitions.list(resource, Page.of(offset, limit));
    }

    @PostMapping("/{resource}/volume-definitions")
    @ResponseStatus(HttpStatus.CREATED)
    List<ApiCallRc> createVolumeDefinition(@PathVariable String resource,
                                           @RequestBody VolumeDefinitionCreateDto request) {
        return volumeDefinitions.create(resource, request);
    }

    @GetMapping("/{resource}/volume-definitions/{volumeNumber}")
    VolumeDefinitionDto volumeDefinition(@PathVariable String resource, @PathVariable int volumeNumber) {
        return volumeDefinitions.get(resource, volumeNumber);
    }

    @PutMapping("/{resource}/volume-definitions/{volumeNumber}")
    List<ApiCallRc> modifyVolumeDefinition(@PathVariable String resource, @PathVariable int volumeNumber,
                                           @RequestBody VolumeDefinitionModifyDto request) {
        return volumeDefinitions.modify(resource, volumeNumber, request);
    }

    @DeleteMapping("/{resource}/volume-definitions/{volumeNumber}")
    List<ApiCallRc> deleteVolumeDefinition(@PathVariable String resource, @PathVariable int volumeNumber) {
        return volumeDefinitions.delete(resource, volumeNumber);
    }
}
