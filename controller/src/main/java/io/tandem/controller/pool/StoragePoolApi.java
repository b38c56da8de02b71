package io.tandem.controller.pool;

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
 * Storage pools per node, the cluster-wide view, and storage pool definitions. {@code cached} is
 * accepted for compatibility; lists are always served from the controller's own state.
 */
@RestController
class StoragePoolApi {
    private final StoragePoolService service;

    StoragePoolApi(StoragePoolService service) {
        this.service = service;
    }

    @GetMapping("/v1/view/storage-pools")
    List<StoragePoolDto> view(@RequestParam(required = false) List<String> nodes,
                              @RequestParam(name = "storage_pools", required = false) List<String> storagePools,
                              @RequestParam(required = false) List<String> props,
                              @RequestParam(required = false) Boolean cached,
                              @RequestParam(required = false) Integer offset,
                              @RequestParam(required = false) Integer limit) {
        return service.list(nodes, storagePools, props, Page.of(offset, limit));
    }

    @GetMapping("/v1/nodes/{node}/storage-pools")
    List<StoragePoolDto> list(@PathVariable String node,
                              @RequestParam(name = "storage_pools", required = false) List<String> storagePools,
                              @RequestParam(required = false) List<String> props,
                              @RequestParam(required = false) Boolean cached,
                              @RequestParam(required = false) Integer offset,
                              @RequestParam(required = false) Integer limit) {
        return service.listOnNode(node, storagePools, props, Page.of(offset, limit));
    }

    @PostMapping("/v1/nodes/{node}/storage-pools")
    @ResponseStatus(HttpStatus.CREATED)
    List<ApiCallRc> create(@PathVariable String node, @RequestBody StoragePoolDto pool) {
        // the create commits first; then the satellite's verdict on the new pool is added
        List<ApiCallRc> answer = new java.util.ArrayList<>(service.create(node, pool));
        answer.addAll(service.satelliteVerdict(node, pool.storagePoolName()));
        return answer;
    }

    @GetMapping("/v1/nodes/{node}/storage-pools/{storagepool}")
    StoragePoolDto get(@PathVariable String node, @PathVariable String storagepool) {
        return service.get(node, storagepool);
    }

    @PutMapping("/v1/nodes/{node}/storage-pools/{storagepool}")
    List<ApiCallRc> modify(@PathVariable String node, @PathVariable String storagepool,
                           @RequestBody PropsModify modify) {
        return service.modify(node, storagepool, modify);
    }

    @DeleteMapping("/v1/nodes/{node}/storage-pools/{storagepool}")
    List<ApiCallRc> delete(@PathVariable String node, @PathVariable String storagepool) {
        return service.delete(node, storagepool);
    }

    @GetMapping("/v1/storage-pool-definitions")
    List<StoragePoolDefinitionDto> definitions(@RequestParam(required = false) Integer offset,
                                               @RequestParam(required = false) Integer limit) {
        return service.listDefinitions(Page.of(offset, limit));
    }

    @PostMapping("/v1/storage-pool-definitions")
    @ResponseStatus(HttpStatus.CREATED)
    List<ApiCallRc> createDefinition(@RequestBody StoragePoolDefinitionDto definition) {
        return service.createDefinition(definition);
    }

    @GetMapping("/v1/storage-pool-definitions/{storagepool}")
    StoragePoolDefinitionDto definition(@PathVariable String storagepool) {
        return service.getDefinition(storagepool);
    }

    @PutMapping("/v1/storage-pool-definitions/{storagepool}")
    List<ApiCallRc> modifyDefinition(@PathVariable String storagepool, @RequestBody PropsModify modify) {
        return service.modifyDefinition(storagepool, modify);
    }

    @DeleteMapping("/v1/storage-pool-definitions/{storagepool}")
    List<ApiCallRc> deleteDefinition(@PathVariable String storagepool) {
        return service.deleteDefinition(storagepool);
    }
}
