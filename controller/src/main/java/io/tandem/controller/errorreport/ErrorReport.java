package io.tandem.controller.errorreport;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

@Entity
@Table(name = "error_reports")
class ErrorReport {
    @Id
    private String id;

    @Column(name = "node_name", nullable = false)
    private String nodeName;

    @Column(nullable = false)
    private String module;

    @Column(name = "error_time", nullable = false)
    private Instant errorTime;

    private String version;
    private String peer;
    private String exception;

    @Column(name = "exception_message")
    private String exceptionMessage;

    @Column(name = "origin_file")
    private String originFile;

    @Column(name = "origin_method")
    private String originMethod;

    @Column(name = "origin_line")
    private Integer originLine;

    @Column(name = "report_text", nullable = false)
    private String text;

    protected ErrorReport() {
    }

    ErrorReport(String id, String nodeName, String module, Instant errorTime, String version, String peer,
                String exception, String exceptionMessage, String originFile, String originMethod, Integer originLine,
                String text) {
        this.id = id;
        this.nodeName = nodeName;
        this.module = module;
        this.errorTime = errorTime;
        this.version = version;
        this.peer = peer;
        this.exception = exception;
        this.exceptionMessage = exceptionMessage;
        this.originFile = originFile;
        this.originMethod = originMethod;
        this.originLine = originLine;
        this.text = text;
    }

    String id() {
        return id;
    }

    String nodeName() {
        return nodeName;
    }

    String module() {
        return module;
    }

    Instant errorTime() {
        return errorTime;
    }

    String version() {
        return version;
    }

    String peer() {
        return peer;
    }

    String exception() {
        return exception;
    }

    String exceptionMessage() {
        return exceptionMessage;
    }

    String originFile() {
        return originFile;
    }

    String originMethod() {
        return originMethod;
    }

    Integer originLine() {
        return originLine;
    }

    String text() {
        return text;
    }
}
