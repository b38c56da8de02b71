package io.tandem.satellite.link;

/** The build of this satellite, as reported to the controller at login. */
final class TandemSatelliteVersion {
    private TandemSatelliteVersion() {
    }

    static String current() {
        String version = TandemSatelliteVersion.class.getPackage().getImplementationVersion();
        return version == null ? "development" : version;
    }
}
