package io.tandem.controller.kvstore;

import io.tandem.controller.rest.ApiCallRc;
import io.tandem.controller.rest.PropsModify;
import java.util.List;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/v1/key-value-store")
class KeyValueStoreApi {
    private final KeyValueStoreService service;

    KeyValueStoreApi(KeyValueStoreService service) {
        this.service = service;
    }

    @GetMapping
    List<KeyValueStoreDto> list() {
        return service.list();
    }

    /** LINSTOR answers one instance as a one-element list. */
    @GetMapping("/{instance}")
    List<KeyValueStoreDto> get(@PathVariable String instance) {
        return List.of(service.get(instance));
    }

    @PutMapping("/{instance}")
    List<ApiCallRc> modify(@PathVariable String instance, @RequestBody PropsModify modify) {
        return service.modify(instance, modify);
    }

    @DeleteMapping("/{instance}")
    List<ApiCallRc> delete(@PathVariable String instance) {
        return service.delete(instance);
    }
}
