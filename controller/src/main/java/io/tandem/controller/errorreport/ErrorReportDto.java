package io.tandem.controller.errorreport;

/** An error report as the REST API shows it (LINSTOR's ErrorReport). */
record ErrorReportDto(
        String nodeName,
        long errorTime,
        String filename,
        String text,
        String module,
        String version,
        String peer,
        String exception,
        String exceptionMessage,
        String originFile,
        String originMethod,
        Integer originLine) {

    static ErrorReportDto of(ErrorReport report, boolean withContent) {
        return new ErrorReportDto(report.nodeName(), report.errorTime().toEpochMilli(),
                "ErrorReport-" + report.id() + ".log", withContent ? report.text() : null, report.module(),
                report.version(), report.peer(), report.exception(), report.exceptionMessage(), report.originFile(),
                report.originMethod(), report.originLine());
    }
}
