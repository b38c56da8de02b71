package io.tandem.controller.resource;

import io.tandem.controller.rest.ApiCallRc;
import io.tandem.controller.rest.Page;
import io.tandem.controller.rest.PropsModify;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Resources, their volumes, and the cluster-wide resource view. {@code cached} (golinstor) and
 * {@code keep_tiebreaker} (linstor-csi, linstor-proxmox) are accepted; there is no satellite to
 * ask and no tie-breaker to keep, so they change nothing.
 */
@RestController
class ResourceApi {
    private static final String RESOURCES = "/v1/resource-definitions/{resource}/resources";

    private final ResourceService service;

    ResourceApi(ResourceService service) {
        this.service = service;
    }

    @GetMapping("/v1/view/resources")
    List<ResourceDto> view(@RequestParam(required = false) List<String> nodes,
                           @RequestParam(required = false) List<String> resources,
                           @RequestParam(name = "storage_pools", required = false) List<String> storagePools,
                           @RequestParam(required = false) List<String> props,
                           @RequestParam(required = false) Boolean cached,
                           @RequestParam(required = false) Integer offset,
                           @RequestParam(required = false) Integer limit) {
        return service.view(nodes, resources, storagePools, props, Page.of(offset, limit));
    }

    @GetMapping(RESOURCES)
    List<ResourceDto> list(@PathVariable String resource,
                           @RequestParam(required = false) Integer offset,
                           @RequestParam(required = false) Integer limit) {
        return service.list(resource, Page.of(offset, limit));
    }

    /** The linstor CLI's {@code resource create}: a list, one entry per node, all or nothing. */
    @PostMapping(RESOURCES)
    @ResponseStatus(HttpStatus.CREATED)
    List<ApiCallRc> create(@PathVariable String resource, @RequestBody List<ResourceCreateDto> request) {
        return service.create(resource, request);
    }

    @PostMapping(RESOURCES + "/{node}")
    @ResponseStatus(HttpStatus.CREATED)
    List<ApiCallRc> createOnNode(@PathVariable String resource, @PathVariable String node,
                                 @RequestBody(required = false) ResourceCreateDto request) {
        return service.createOnNode(resource, node, request);
    }

    @GetMapping(RESOURCES + "/{node}")
    ResourceDto get(@PathVariable String resource, @PathVariable String node) {
        return service.get(resource, node);
    }

    @PutMapping(RESOURCES + "/{node}")
    List<ApiCallRc> modify(@PathVariable String resource, @PathVariable String node,
                           @RequestBody PropsModify request) {
        return service.modify(resource, node, request);
    }

    @DeleteMapping(RESOURCES + "/{node}")
    List<ApiCallRc> delete(@PathVariable String resource, @PathVariable String node,
                           @RequestParam(name = "keep_tiebreaker", required = false) Boolean keepTiebreaker) {
        return service.delete(resource, node);
    }

    @GetMapping(RESOURCES + "/{node}/volumes")
    List<VolumeDto> volumes(@PathVariable String resource, @PathVariable String node,
                            @RequestParam(required = false) Integer offset,
                            @RequestParam(required = false) Integer limit) {
        return service.volumes(resource, node, Page.of(offset, limit));
    }

    @GetMapping(RESOURCES + "/{node}/volumes/{volumeNumber}")
    VolumeDto volume(@PathVariable String resource, @PathVariable String node, @PathVariable int volumeNumber) {
        return service.volume(resource, node, volumeNumber);
    }

    @PutMapping(RESOURCES + "/{node}/volumes/{volumeNumber}")
    List<ApiCallRc> modifyVolume(@PathVariable String resource, @PathVariable String node,
                                 @PathVariable int volumeNumber, @RequestBody PropsModify request) {
        return service.modifyVolume(resource, node, volumeNumber, request);
    }
}
