package io.tandem.controller.cluster;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** Tells the operator where the controller can be reached once it is ready. */
@Component
class StartupReport {
    private static final Logger log = LoggerFactory.getLogger(StartupReport.class);

    private final ControllerIdentity identity;
    private final String dataDirectory;
    private final String databaseUrl;

    StartupReport(ControllerIdentity identity, @Value("${tandem.data-dir}") String dataDirectory,
                  @Value("${spring.datasource.url}") String databaseUrl) {
        this.identity = identity;
        this.dataDirectory = dataDirectory;
        this.databaseUrl = databaseUrl;
    }

    @EventListener
    void ready(ApplicationReadyEvent event) {
        int port = event.getApplicationContext() instanceof WebServerApplicationContext web
                ? web.getWebServer().getPort() : -1;
        log.info("""
                Tandem controller {} ready
                  REST API:    http://localhost:{}/v1/controller/version
                  Swagger UI:  http://localhost:{}/swagger-ui/index.html
                  Data:        {}
                  Database:    {}""", identity.version(), port, port, dataDirectory, databaseUrl);
    }
}
