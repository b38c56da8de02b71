package io.tandem.controller.api;

import io.tandem.controller.testsupport.PostgresControllerTest;

/** The API scenarios on a real PostgreSQL server. */
class PostgresApiTest extends PostgresControllerTest implements ApiScenarios {
    @Override
    public int port() {
        return port;
    }
}
