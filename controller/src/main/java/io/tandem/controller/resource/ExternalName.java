package io.tandem.controller.resource;

import io.tandem.controller.rest.ApiException;
import io.tandem.controller.rest.NameRule;
import io.tandem.controller.rest.RetCode;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * A resource definition's external name: any text a client wants to know the definition by
 * (python-linstor sends it instead of a name). The internal name is derived from it: the external
 * name itself if it is a valid resource name, else the name with every character a resource name
 * cannot have replaced by '_', else (or if that name is taken) {@code LS_} and a random UUID.
 */
final class ExternalName {
    static final int MAX_LENGTH = 1024;
    private static final int NAME_MAX_LENGTH = 48;

    private ExternalName() {
    }

    static String validate(String externalName, Map<String, String> refs) {
        if (externalName.isBlank() || externalName.length() > MAX_LENGTH
                || externalName.chars().anyMatch(Character::isISOControl)) {
            throw ApiException.invalid(RetCode.FAIL_INVLD_EXT_NAME,
                    "Invalid external name '%s'.".formatted(externalName),
                    "An external name has 1 to %d characters and no control characters.".formatted(MAX_LENGTH),
                    "Send a shorter external name, or a name instead.", refs);
        }
        return externalName;
    }

    static String deriveName(String externalName, Predicate<String> taken) {
        String truncated = externalName.length() > NAME_MAX_LENGTH
                ? externalName.substring(0, NAME_MAX_LENGTH) : externalName;
        for (String candidate : new String[] {truncated, translated(truncated)}) {
            if (isValid(candidate) && !taken.test(candidate)) {
                return candidate;
            }
        }
        return "LS_" + UUID.randomUUID();
    }

    private static String translated(String name) {
        StringBuilder out = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
            boolean inner = i > 0 && ((c >= '0' && c <= '9') || c == '-');
            out.append(letter || inner || c == '_' ? c : '_');
        }
        return out.toString();
    }

    private static boolean isValid(String name) {
        try {
            NameRule.RESOURCE.validate(name);
            return true;
        } catch (ApiException invalid) {
            return false;
        }
    }
}
