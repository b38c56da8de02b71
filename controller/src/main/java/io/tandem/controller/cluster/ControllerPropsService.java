package io.tandem.controller.cluster;

import io.tandem.controller.rest.ApiCallRc;
import io.tandem.controller.rest.ApiException;
import io.tandem.controller.rest.PropertyKey;
import io.tandem.controller.rest.PropsModify;
import io.tandem.controller.rest.RetCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** The controller-wide properties: one row per key, changed with LINSTOR's modify pattern. */
@Service
public class ControllerPropsService {
    private static final long OBJECT = RetCode.MASK_CTRL_CONF;

    private final ControllerPropRepository repository;

    ControllerPropsService(ControllerPropRepository repository) {
        this.repository = repository;
    }

    @Transactional(readOnly = true)
    public Map<String, String> all() {
        return repository.findAll().stream()
                .collect(Collectors.toMap(ControllerProp::key, ControllerProp::value, (a, b) -> a, TreeMap::new));
    }

    @Transactional
    public List<ApiCallRc> modify(PropsModify modify) {
        Map<String, ControllerProp> rows = repository.findAll().stream()
                .collect(Collectors.toMap(ControllerProp::key, Function.identity()));
        Map<String, String> props = new TreeMap<>();
        rows.forEach((key, row) -> props.put(key, row.value()));
        List<ApiCallRc> answer = new ArrayList<>(modify.applyTo(props, OBJECT, Map.of()));
        rows.forEach((key, row) -> {
            if (!props.containsKey(key)) {
                repository.delete(row);
            }
        });
        props.forEach((key, value) -> {
            ControllerProp row = rows.get(key);
            if (row == null) {
                repository.save(new ControllerProp(key, value));
            } else if (!row.value().equals(value)) {
                row.setValue(value);
            }
        });
        answer.add(ApiCallRc.success(RetCode.MASK_MOD | OBJECT | RetCode.MODIFIED,
                "Controller properties modified.", Map.of()));
        return answer;
    }

    @Transactional
    public List<ApiCallRc> delete(String key) {
        PropertyKey.validate(key, Map.of());
        ControllerProp row = repository.findById(key).orElseThrow(() -> ApiException.notFound(
                RetCode.WARN_NOT_FOUND | RetCode.MASK_ERROR, "Controller property '%s' not found.".formatted(key),
                "List the controller properties with GET /v1/controller/properties.", Map.of("Prop", key)));
        repository.delete(row);
        return List.of(ApiCallRc.success(RetCode.MASK_DEL | OBJECT | RetCode.DELETED,
                "Controller property '%s' deleted.".formatted(key), Map.of("Prop", key)));
    }
}
