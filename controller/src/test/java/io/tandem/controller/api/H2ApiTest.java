package io.tandem.controller.api;

import io.tandem.controller.testsupport.H2ControllerTest;

/** The API scenarios on the default database, an H2 file. */
class H2ApiTest extends H2ControllerTest implements ApiScenarios {
    @Override
    public int port() {
        return port;
    }
}
