package io.tandem.controller.errorreport;

import io.tandem.controller.rest.Page;

/** The filters of {@code GET /v1/error-reports}. */
record ErrorReportQuery(String node, Long since, Long to, String exception, String version, String id,
                        boolean withContent, Page page) {
}
