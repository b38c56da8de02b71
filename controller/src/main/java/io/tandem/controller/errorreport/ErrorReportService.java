package io.tandem.controller.errorreport;

import io.tandem.controller.cluster.ControllerIdentity;
import io.tandem.controller.rest.ApiCallRc;
import io.tandem.controller.rest.ApiException;
import io.tandem.controller.rest.ErrorReporter;
import io.tandem.controller.rest.RetCode;
import jakarta.persistence.criteria.Predicate;
import jakarta.servlet.http.HttpServletRequest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.domain.Sort;
import org.springframework.data.jpa.domain.Specification;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

@Service
class ErrorReportService implements ErrorReporter {
    private static final Logger log = LoggerFactory.getLogger(ErrorReportService.class);
    private static final String MODULE = "CONTROLLER";

    private final ErrorReportRepository reports;
    private final ControllerIdentity identity;
    private final TransactionTemplate ownTransaction;
    /** Ids are "{instance}-00000-{sequence}": unique across restarts because the instance part is. */
    private final String instancePrefix;
    private final AtomicLong sequence = new AtomicLong();

    ErrorReportService(ErrorReportRepository reports, ControllerIdentity identity,
                       PlatformTransactionManager transactionManager) {
        this.reports = reports;
        this.identity = identity;
        this.ownTransaction = new TransactionTemplate(transactionManager);
        // the failing request's transaction is rolled back; the report must survive it
        this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.instancePrefix = "%08X".formatted(identity.startedAt().getEpochSecond());
    }

    @Override
    public String report(Throwable error, HttpServletRequest request) {
        String id = "%s-00000-%06d".formatted(instancePrefix, sequence.incrementAndGet());
        String peer = request == null ? null : "REST client " + request.getRemoteAddr();
        String requestLine = request == null ? "" : request.getMethod() + " " + request.getRequestURI()
                + (request.getQueryString() == null ? "" : "?" + request.getQueryString());
        log.error("Error report {}: unexpected error while handling {}", id, requestLine, error);
        Instant now = Instant.now();
        StackTraceElement origin = error.getStackTrace().length > 0 ? error.getStackTrace()[0] : null;
        StringWriter stack = new StringWriter();
        error.printStackTrace(new PrintWriter(stack));
        String text = """
                ERROR REPORT %s

                Module:       %s
                Node:         %s
                Version:      %s
                Time:         %s
                Peer:         %s
                Request:      %s

                Exception:    %s
                Message:      %s

                Call stack:
                %s""".formatted(id, MODULE, identity.nodeName(), identity.version(), now, peer, requestLine,
                error.getClass().getName(), error.getMessage(), stack);
        ErrorReport report = new ErrorReport(id, identity.nodeName(), MODULE, now, identity.version(), peer,
                error.getClass().getName(), error.getMessage(), origin == null ? null : origin.getFileName(),
                origin == null ? null : origin.getClassName() + "." + origin.getMethodName(),
                origin == null ? null : origin.getLineNumber(), text);
        try {
            ownTransaction.executeWithoutResult(status -> reports.save(report));
        } catch (RuntimeException storeFailure) {
            log.error("Error report {} could not be stored in the database; it is only in this log", id, storeFailure);
        }
        return id;
    }

    @Transactional(readOnly = true)
    public List<ErrorReportDto> list(ErrorReportQuery query) {
        Specification<ErrorReport> matching = matching(query.node(), query.since(), query.to(), query.exception(),
                query.version(), query.id() == null ? List.of() : List.of(query.id()));
        List<ErrorReport> found = reports.findAll(matching, Sort.by("errorTime", "id"));
        return query.page().apply(found).stream().map(r -> ErrorReportDto.of(r, query.withContent())).toList();
    }

    @Transactional(readOnly = true)
    public ErrorReportDto get(String id) {
        return ErrorReportDto.of(find(id), true);
    }

    @Transactional
    public List<ApiCallRc> delete(String id) {
        reports.delete(find(id));
        return List.of(ApiCallRc.success(RetCode.MASK_DEL | RetCode.DELETED,
                "Error report '%s' deleted.".formatted(id), Map.of("ErrorReport", id)));
    }

    @Transactional
    public List<ApiCallRc> deleteMatching(ErrorReportDeleteDto filter) {
        Specification<ErrorReport> matching = matching(null, filter.since(), filter.to(), filter.exception(),
                filter.version(), filter.ids() == null ? List.of() : filter.ids());
        if (filter.nodes() != null && !filter.nodes().isEmpty()) {
            List<String> nodes = filter.nodes().stream().map(n -> n.toUpperCase(Locale.ROOT)).toList();
            matching = matching.and((root, q, cb) -> cb.upper(root.get("nodeName")).in(nodes));
        }
        List<ErrorReport> found = reports.findAll(matching);
        reports.deleteAll(found);
        return List.of(ApiCallRc.success(RetCode.MASK_DEL | RetCode.DELETED,
                "%d error report(s) deleted.".formatted(found.size()), Map.of()));
    }

    private ErrorReport find(String id) {
        return reports.findById(id).orElseThrow(() -> ApiException.notFound(RetCode.WARN_NOT_FOUND | RetCode.MASK_ERROR,
                "Error report '%s' not found.".formatted(id), "List the existing reports with GET /v1/error-reports.",
                Map.of("ErrorReport", id)));
    }

    private static Specification<ErrorReport> matching(String node, Long since, Long to, String exception,
                                                       String version, List<String> ids) {
        return (root, query, cb) -> {
            List<Predicate> all = new ArrayList<>();
            if (node != null && !node.isBlank()) {
                all.add(cb.equal(cb.upper(root.get("nodeName")), node.toUpperCase(Locale.ROOT)));
            }
            if (since != null) {
                all.add(cb.greaterThanOrEqualTo(root.get("errorTime"), Instant.ofEpochMilli(since)));
            }
            if (to != null) {
                all.add(cb.lessThanOrEqualTo(root.get("errorTime"), Instant.ofEpochMilli(to)));
            }
            if (exception != null && !exception.isBlank()) {
                all.add(cb.like(root.get("exception"), "%" + exception + "%"));
            }
            if (version != null && !version.isBlank()) {
                all.add(cb.equal(root.get("version"), version));
            }
            if (!ids.isEmpty()) {
                all.add(root.get("id").in(ids));
            }
            return cb.and(all.toArray(Predicate[]::new));
        };
    }
}
