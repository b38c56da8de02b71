package io.tandem.controller.errorreport;

import java.util.List;

/** The body of {@code PATCH /v1/error-reports}: which reports to delete (all criteria must hold). */
record ErrorReportDeleteDto(Long since, Long to, List<String> nodes, String exception, String version, List<String> ids) {
}
