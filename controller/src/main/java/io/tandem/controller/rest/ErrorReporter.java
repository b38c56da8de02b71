package io.tandem.controller.rest;

import jakarta.servlet.http.HttpServletRequest;

/** Stores an unexpected server error as an error report and returns the report's id. */
public interface ErrorReporter {
    String report(Throwable error, HttpServletRequest request);
}
