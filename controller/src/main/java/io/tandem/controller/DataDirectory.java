package io.tandem.controller;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Makes {@code tandem.data-dir} an absolute, existing directory before anything uses it: the H2
 * file URL is built from it, and H2 refuses paths relative to an unstated working directory.
 */
public final class DataDirectory implements ApplicationListener<ApplicationEnvironmentPreparedEvent> {
    static final String PROPERTY = "tandem.data-dir";

    @Override
    public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
        ConfigurableEnvironment environment = event.getEnvironment();
        String configured = environment.getProperty(PROPERTY, "data");
        Path directory = Path.of(configured).toAbsolutePath().normalize();
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot create the data directory " + directory + " (" + PROPERTY + "="
                    + configured + "): " + e, e);
        }
        if (!Files.isWritable(directory)) {
            throw new IllegalStateException("The data directory " + directory + " is not writable; choose another"
                    + " with --data-dir=DIR or TANDEM_DATA_DIR.");
        }
        environment.getPropertySources().addFirst(
                new MapPropertySource("tandemDataDirectory", Map.of(PROPERTY, directory.toString())));
    }
}
