/**
 * The REST plumbing every feature shares: LINSTOR's ApiCallRc answer format and its
 * {@code ret_code} bit layout, the exception that carries a client error to its HTTP status,
 * the lenient wire rules real LINSTOR clients depend on, and the validated names.
 *
 * <p>Invariants: a client mistake is answered with a 4xx and an ApiCallRc list that says what
 * was wrong, why, and how to fix it; only an unexpected server fault yields a 5xx, and that one
 * always carries the id of a stored error report.
 */
package io.tandem.controller.rest;
