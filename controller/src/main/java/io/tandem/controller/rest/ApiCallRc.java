package io.tandem.controller.rest;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/**
 * One entry of the answer to a mutation or an error, in LINSTOR's shape: what happened
 * ({@code message}), why ({@code cause}), and what the operator should do ({@code correction}).
 */
public record ApiCallRc(
        long retCode,
        String message,
        String cause,
        String details,
        String correction,
        List<String> errorReportIds,
        Map<String, String> objRefs,
        String createdAt) {

    private static final DateTimeFormatter CREATED_AT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX");

    public ApiCallRc {
        errorReportIds = errorReportIds == null ? List.of() : List.copyOf(errorReportIds);
        objRefs = objRefs == null ? Map.of() : Map.copyOf(objRefs);
        if (createdAt == null) {
            createdAt = OffsetDateTime.now(ZoneOffset.UTC).format(CREATED_AT);
        }
    }

    /** A success entry ({@code retCode} carries operation, object and code bits). */
    public static ApiCallRc success(long retCode, String message, Map<String, String> objRefs) {
        return new ApiCallRc(retCode, message, null, null, null, null, objRefs, null);
    }

    public static ApiCallRc success(long retCode, String message, String details, Map<String, String> objRefs) {
        return new ApiCallRc(retCode, message, null, details, null, null, objRefs, null);
    }

    public static ApiCallRc warning(long retCode, String message, String cause, String correction,
                                    Map<String, String> objRefs) {
        return new ApiCallRc(retCode, message, cause, null, correction, null, objRefs, null);
    }

    public static ApiCallRc error(long retCode, String message, String cause, String correction,
                                  Map<String, String> objRefs) {
        return new ApiCallRc(retCode, message, cause, null, correction, null, objRefs, null);
    }
}
