package io.tandem.controller.rest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * LINSTOR's generic modify pattern for properties: set {@code override_props}, remove
 * {@code delete_props}, remove every key under each of {@code delete_namespaces}. Used by every
 * PUT that changes an object's props, and by {@code POST /v1/controller/properties}.
 */
public record PropsModify(Map<String, String> overrideProps, List<String> deleteProps, List<String> deleteNamespaces) {

    public PropsModify {
        overrideProps = overrideProps == null ? Map.of() : new LinkedHashMap<>(overrideProps);
        deleteProps = deleteProps == null ? List.of() : new ArrayList<>(deleteProps);
        deleteNamespaces = deleteNamespaces == null ? List.of() : new ArrayList<>(deleteNamespaces);
    }

    public boolean isEmpty() {
        return overrideProps.isEmpty() && deleteProps.isEmpty() && deleteNamespaces.isEmpty();
    }

    /** Throws a 400 naming the first invalid key or value; changes nothing. */
    public void validate(Map<String, String> objRefs) {
        overrideProps.forEach((key, value) -> PropertyKey.validateEntry(key, value, objRefs));
        for (String key : deleteProps) {
            PropertyKey.validate(key, objRefs);
            if (overrideProps.containsKey(key)) {
                throw ApiException.invalid(RetCode.FAIL_INVLD_PROP,
                        "Property '%s' is both set and deleted.".formatted(key),
                        "The same key appears in override_props and in delete_props.",
                        "Send the key in only one of the two.", objRefs);
            }
        }
        for (String namespace : deleteNamespaces) {
            PropertyKey.validate(withoutTrailingSlash(namespace), objRefs);
        }
    }

    /**
     * Validates, then applies the change to {@code props}. Returns warnings for deletions of keys
     * that were not set (the request still succeeds, as in LINSTOR).
     */
    public List<ApiCallRc> applyTo(Map<String, String> props, long objectMask, Map<String, String> objRefs) {
        validate(objRefs);
        List<ApiCallRc> warnings = new ArrayList<>();
        // a key listed twice is one deletion: only a key that was really unset earns the warning
        for (String key : new LinkedHashSet<>(deleteProps)) {
            if (props.remove(key) == null) {
                warnings.add(ApiCallRc.warning(RetCode.WARN_DEL_UNSET_PROP | objectMask,
                        "Property '%s' was not set, nothing to delete.".formatted(key), null, null, objRefs));
            }
        }
        for (String namespace : deleteNamespaces) {
            String name = withoutTrailingSlash(namespace);
            props.keySet().removeIf(key -> key.equals(name) || key.startsWith(name + "/"));
        }
        props.putAll(overrideProps);
        return warnings;
    }

    /** A namespace may be written as a prefix, {@code Aux/}, or as a name, {@code Aux}. */
    private static String withoutTrailingSlash(String namespace) {
        return namespace != null && namespace.length() > 1 && namespace.endsWith("/")
                ? namespace.substring(0, namespace.length() - 1)
                : namespace;
    }
}
