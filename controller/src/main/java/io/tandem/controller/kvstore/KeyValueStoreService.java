package io.tandem.controller.kvstore;

import io.tandem.controller.rest.ApiCallRc;
import io.tandem.controller.rest.ApiException;
import io.tandem.controller.rest.Name;
import io.tandem.controller.rest.NameRule;
import io.tandem.controller.rest.PropsModify;
import io.tandem.controller.rest.RetCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

@Service
class KeyValueStoreService {
    private static final long KVS = RetCode.MASK_KVS;

    private final KeyValueStoreRepository stores;

    KeyValueStoreService(KeyValueStoreRepository stores) {
        this.stores = stores;
    }

    @Transactional(readOnly = true)
    List<KeyValueStoreDto> list() {
        return stores.findAllByOrderByNameKey().stream().map(KeyValueStoreService::toDto).toList();
    }

    @Transactional(readOnly = true)
    KeyValueStoreDto get(String instance) {
        return toDto(require(instance));
    }

    /** Changes an instance's properties, creating the instance on its first write. */
    @Transactional
    List<ApiCallRc> modify(String instance, PropsModify modify) {
        Name name = Name.of(NameRule.KEY_VALUE_STORE, instance);
        Map<String, String> refs = Map.of("KeyValueStore", name.value());
        modify.validate(refs);
        List<ApiCallRc> answer = new ArrayList<>();
        KeyValueStore store = stores.findByNameKey(name.key()).orElseGet(() -> {
            answer.add(ApiCallRc.success(RetCode.MASK_CRT | KVS | RetCode.CREATED,
                    "New key-value store '%s' created.".formatted(name), refs));
            return stores.save(new KeyValueStore(name));
        });
        answer.addAll(modify.applyTo(store.props(), KVS, refs));
        answer.add(ApiCallRc.success(RetCode.MASK_MOD | KVS | RetCode.MODIFIED,
                "Key-value store '%s' modified.".formatted(store.name()), refs));
        return answer;
    }

    @Transactional
    List<ApiCallRc> delete(String instance) {
        KeyValueStore store = require(instance);
        stores.delete(store);
        return List.of(ApiCallRc.success(RetCode.MASK_DEL | KVS | RetCode.DELETED,
                "Key-value store '%s' deleted.".formatted(store.name()), Map.of("KeyValueStore", store.name())));
    }

    private KeyValueStore require(String instance) {
        return stores.findByNameKey(instance.toUpperCase(Locale.ROOT)).orElseThrow(() -> ApiException.notFound(
                RetCode.FAIL_NOT_FOUND_KVS, "Key-value store '%s' not found.".formatted(instance),
                "Write to it first (PUT /v1/key-value-store/%s), or list the stores with GET /v1/key-value-store."
                        .formatted(instance), Map.of("KeyValueStore", instance)));
    }

    private static KeyValueStoreDto toDto(KeyValueStore store) {
        return new KeyValueStoreDto(store.name(), new TreeMap<>(store.props()));
    }
}
