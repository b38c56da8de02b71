package io.tandem.controller.rest;

import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;

/**
 * A request the controller refuses, with the HTTP status and the ApiCallRc entries that explain
 * it. Thrown inside a service transaction, it rolls that transaction back, so a refused request
 * never leaves half-written state.
 */
public final class ApiException extends RuntimeException {
    private final HttpStatus status;
    private final transient List<ApiCallRc> entries;

    public ApiException(HttpStatus status, List<ApiCallRc> entries) {
        super(entries.isEmpty() ? status.toString() : entries.get(0).message(), null, false, false);
        this.status = status;
        this.entries = List.copyOf(entries);
    }

    private static ApiException of(HttpStatus status, long retCode, String message, String cause, String correction,
                                   Map<String, String> objRefs) {
        return new ApiException(status, List.of(ApiCallRc.error(retCode, message, cause, correction, objRefs)));
    }

    /** 400: the request itself is wrong. */
    public static ApiException invalid(long retCode, String message, String cause, String correction,
                                       Map<String, String> objRefs) {
        return of(HttpStatus.BAD_REQUEST, retCode, message, cause, correction, objRefs);
    }

    /** 404: the request names an object that does not exist. */
    public static ApiException notFound(long retCode, String message, String correction, Map<String, String> objRefs) {
        return of(HttpStatus.NOT_FOUND, retCode, message, null, correction, objRefs);
    }

    /** 409: the object already exists, is in use, or conflicts with the current state. */
    public static ApiException conflict(long retCode, String message, String cause, String correction,
                                        Map<String, String> objRefs) {
        return of(HttpStatus.CONFLICT, retCode, message, cause, correction, objRefs);
    }

    public HttpStatus status() {
        return status;
    }

    public List<ApiCallRc> entries() {
        return entries;
    }
}
