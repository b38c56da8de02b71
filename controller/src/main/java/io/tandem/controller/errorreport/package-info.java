/**
 * Error reports: every unexpected server error is stored with its stack trace and request, under
 * an id that the failing request's ApiCallRc carries in {@code error_report_ids}, and can be
 * listed, read and deleted through {@code /v1/error-reports}.
 *
 * <p>Invariant: storing a report never fails the caller; if the database itself is the problem,
 * the report goes to the log under the same id.
 */
package io.tandem.controller.errorreport;
