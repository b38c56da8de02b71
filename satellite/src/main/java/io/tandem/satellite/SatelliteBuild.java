package io.tandem.satellite;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The build of this satellite, as it reports it to the controller at login. Read from a resource
 * the Maven build writes, so that it is right however the satellite is packaged (a jar, or the
 * class files of a container image, which have no jar manifest).
 */
public final class SatelliteBuild {
    private static final String VERSION = read();

    private SatelliteBuild() {
    }

    public static String version() {
        return VERSION;
    }

    private static String read() {
        try (InputStream in = SatelliteBuild.class.getResourceAsStream("build.properties")) {
            if (in != null) {
                Properties properties = new Properties();
                properties.load(in);
                String version = properties.getProperty("version", "");
                if (!version.isBlank() && !version.startsWith("@")) {
                    return version;
                }
            }
        } catch (IOException e) {
            // fall through to the manifest
        }
        String fromManifest = SatelliteBuild.class.getPackage().getImplementationVersion();
        return fromManifest == null ? "development" : fromManifest;
    }
}
