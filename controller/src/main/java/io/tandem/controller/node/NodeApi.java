package io.tandem.controller.node;

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
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/v1/nodes")
class NodeApi {
    private final NodeService service;

    NodeApi(NodeService service) {
        this.service = service;
    }

    @GetMapping
    List<NodeDto> list(@RequestParam(required = false) List<String> nodes,
                       @RequestParam(required = false) List<String> props,
                       @RequestParam(required = false) Integer offset,
                       @RequestParam(required = false) Integer limit) {
        return service.list(nodes, props, Page.of(offset, limit));
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    List<ApiCallRc> create(@RequestBody NodeDto node) {
        return service.create(node);
    }

    @GetMapping("/{node}")
    NodeDto get(@PathVariable String node) {
        return service.get(node);
    }

    @PutMapping("/{node}")
    List<ApiCallRc> modify(@PathVariable String node, @RequestBody NodeModifyDto modify) {
        return service.modify(node, modify);
    }

    @DeleteMapping("/{node}")
    List<ApiCallRc> delete(@PathVariable String node) {
        return service.delete(node);
    }

    /**
     * LINSTOR's node lost ({@code linstor node lost}): a DELETE, as python-linstor and golinstor
     * send it; PUT is accepted too.
     */
    @RequestMapping(path = "/{node}/lost", method = {RequestMethod.DELETE, RequestMethod.PUT})
    List<ApiCallRc> lost(@PathVariable String node) {
        return service.lost(node);
    }

    @GetMapping("/{node}/net-interfaces")
    List<NetInterfaceDto> netInterfaces(@PathVariable String node) {
        return service.listNetInterfaces(node);
    }

    @PostMapping("/{node}/net-interfaces")
    @ResponseStatus(HttpStatus.CREATED)
    List<ApiCallRc> createNetInterface(@PathVariable String node, @RequestBody NetInterfaceDto netInterface) {
        return service.createNetInterface(node, netInterface);
    }

    @GetMapping("/{node}/net-interfaces/{netif}")
    NetInterfaceDto netInterface(@PathVariable String node, @PathVariable String netif) {
        return service.getNetInterface(node, netif);
    }

    @PutMapping("/{node}/net-interfaces/{netif}")
    List<ApiCallRc> modifyNetInterface(@PathVariable String node, @PathVariable String netif,
                                       @RequestBody NetInterfaceDto netInterface) {
        return service.modifyNetInterface(node, netif, netInterface);
    }

    @DeleteMapping("/{node}/net-interfaces/{netif}")
    List<ApiCallRc> deleteNetInterface(@PathVariable String node, @PathVariable String netif) {
        return service.deleteNetInterface(node, netif);
    }
}
