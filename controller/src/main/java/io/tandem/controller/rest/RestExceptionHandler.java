package io.tandem.controller.rest;

import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import tools.jackson.core.JacksonException;

/**
 * Turns every failure into LINSTOR's answer: an ApiCallRc list with the matching HTTP status.
 * Client mistakes become 4xx with a precise message; anything unexpected becomes a 500 whose
 * entry names the stored error report.
 */
@RestControllerAdvice
class RestExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(RestExceptionHandler.class);
    private static final Pattern QUALIFIED_TYPE = Pattern.compile("`(?:[a-z][a-z0-9_]*\\.)+([A-Za-z0-9_$]+)`");

    private final ErrorReporter errorReporter;

    RestExceptionHandler(ErrorReporter errorReporter) {
        this.errorReporter = errorReporter;
    }

    @ExceptionHandler(ApiException.class)
    ResponseEntity<List<ApiCallRc>> refused(ApiException e) {
        return answer(e.status(), e.entries());
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<List<ApiCallRc>> unreadableBody(HttpMessageNotReadableException e) {
        String cause = "The body is not valid JSON for this request.";
        if (e.getCause() instanceof JacksonException jackson) {
            String where = jackson.getPath().stream()
                    .map(ref -> ref.getPropertyName() != null ? ref.getPropertyName() : "[" + ref.getIndex() + "]")
                    .collect(Collectors.joining("."))
                    .replace(".[", "[");
            String what = plainTypes(jackson.getOriginalMessage());
            cause = where.isEmpty() ? what : "At '%s': %s".formatted(where, what);
        } else if (e.getMessage() != null && e.getMessage().startsWith("Required request body is missing")) {
            cause = "The request has no body.";
        }
        return answer(HttpStatus.BAD_REQUEST, List.of(ApiCallRc.error(RetCode.API_CALL_PARSE_ERROR,
                "Unable to parse the request body.", cause,
                "Send a JSON object shaped as the API specification (/openapi.yaml) describes.", Map.of())));
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<List<ApiCallRc>> badParameter(MethodArgumentTypeMismatchException e) {
        String expected = e.getRequiredType() == null ? "another type" : describe(e.getRequiredType());
        return answer(HttpStatus.BAD_REQUEST, List.of(ApiCallRc.error(RetCode.API_CALL_PARSE_ERROR,
                "Invalid value '%s' for parameter '%s'.".formatted(e.getValue(), e.getName()),
                "The parameter '%s' must be %s.".formatted(e.getName(), expected),
                "Send %s for '%s'.".formatted(expected, e.getName()), Map.of())));
    }

    @ExceptionHandler(MissingServletRequestParameterException.class)
    ResponseEntity<List<ApiCallRc>> missingParameter(MissingServletRequestParameterException e) {
        return answer(HttpStatus.BAD_REQUEST, List.of(ApiCallRc.error(RetCode.API_CALL_PARSE_ERROR,
                "The query parameter '%s' is missing.".formatted(e.getParameterName()), null,
                "Add '%s' to the query string.".formatted(e.getParameterName()), Map.of())));
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<List<ApiCallRc>> wrongMethod(HttpRequestMethodNotSupportedException e, HttpServletRequest request) {
        String allowed = e.getSupportedHttpMethods() == null ? "" : e.getSupportedHttpMethods().toString();
        return answer(HttpStatus.METHOD_NOT_ALLOWED, List.of(ApiCallRc.error(RetCode.UNKNOWN_API_CALL,
                "%s is not supported on %s.".formatted(e.getMethod(), request.getRequestURI()),
                "This path accepts %s.".formatted(allowed), "Use one of %s.".formatted(allowed), Map.of())));
    }

    /** A body in a format other than JSON is the client's mistake like any other unreadable body: 400. */
    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<List<ApiCallRc>> wrongMediaType(HttpMediaTypeNotSupportedException e) {
        return answer(HttpStatus.BAD_REQUEST, List.of(ApiCallRc.error(RetCode.API_CALL_PARSE_ERROR,
                "Content type '%s' is not supported.".formatted(e.getContentType()),
                "The REST API reads JSON bodies.", "Send the body as application/json (or without a Content-Type).",
                Map.of())));
    }

    /** The API only speaks JSON; a client that accepts nothing else is told so with a 400 in JSON. */
    @ExceptionHandler(HttpMediaTypeNotAcceptableException.class)
    ResponseEntity<List<ApiCallRc>> notAcceptable(HttpMediaTypeNotAcceptableException e) {
        return answer(HttpStatus.BAD_REQUEST, List.of(ApiCallRc.error(RetCode.API_CALL_PARSE_ERROR,
                "The requested representation is not available.", "The REST API answers in JSON only.",
                "Accept application/json (or send no Accept header).", Map.of())));
    }

    @ExceptionHandler(NoResourceFoundException.class)
    ResponseEntity<List<ApiCallRc>> noSuchPath(NoResourceFoundException e, HttpServletRequest request) {
        return answer(HttpStatus.NOT_FOUND, List.of(ApiCallRc.error(RetCode.UNKNOWN_API_CALL,
                "No endpoint at %s %s.".formatted(request.getMethod(), request.getRequestURI()),
                "The path is not part of the REST API.",
                "See the API specification at /openapi.yaml or the Swagger UI at /swagger-ui/index.html.", Map.of())));
    }

    @ExceptionHandler(OptimisticLockingFailureException.class)
    ResponseEntity<List<ApiCallRc>> concurrentChange(OptimisticLockingFailureException e) {
        return answer(HttpStatus.CONFLICT, List.of(ApiCallRc.error(RetCode.FAIL_IN_USE,
                "The object was changed by another request at the same time.",
                "Two requests modified the same object concurrently; this one was not applied.",
                "Read the object again and repeat the request.", Map.of())));
    }

    @ExceptionHandler(DataIntegrityViolationException.class)
    ResponseEntity<List<ApiCallRc>> conflictingChange(DataIntegrityViolationException e) {
        log.info("Request refused by a database constraint: {}", e.getMostSpecificCause().getMessage());
        return answer(HttpStatus.CONFLICT, List.of(ApiCallRc.error(RetCode.FAIL_IN_USE,
                "The request conflicts with the current state of the cluster.",
                "Another request created, changed or still uses an object this request depends on.",
                "List the objects involved and repeat the request.", Map.of())));
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<List<ApiCallRc>> unexpected(Exception e, HttpServletRequest request) {
        String reportId = errorReporter.report(e, request);
        return answer(HttpStatus.INTERNAL_SERVER_ERROR, List.of(new ApiCallRc(RetCode.FAIL_UNKNOWN_ERROR,
                "Unexpected error while handling %s %s.".formatted(request.getMethod(), request.getRequestURI()),
                "%s: %s".formatted(e.getClass().getSimpleName(), e.getMessage()), null,
                "Retry the request. If the error persists, report it together with error report %s (GET /v1/error-reports/%s)."
                        .formatted(reportId, reportId),
                List.of(reportId), Map.of(), null)));
    }

    private static ResponseEntity<List<ApiCallRc>> answer(HttpStatus status, List<ApiCallRc> entries) {
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(entries);
    }

    private static String plainTypes(String message) {
        if (message == null) {
            return "malformed JSON";
        }
        Matcher m = QUALIFIED_TYPE.matcher(message);
        return m.replaceAll(match -> "`" + Matcher.quoteReplacement(match.group(1)) + "`").replaceAll("\\s+", " ").trim();
    }

    private static String describe(Class<?> type) {
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "a whole number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "a boolean (true or false, in any case)";
        }
        return "a " + type.getSimpleName();
    }
}
