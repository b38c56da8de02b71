package io.tandem.controller;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Starts the controller: {@code java -jar tandem-controller.jar [--data-dir=DIR] [--server.port=3370]}.
 * The data directory is prepared by {@link DataDirectory} (registered in META-INF/spring.factories).
 */
@SpringBootApplication
public class TandemController {
    public static void main(String[] args) {
        SpringApplication.run(TandemController.class, args);
    }
}
