package io.tandem.controller.api;

import io.tandem.controller.resource.ResourceService;
import io.tandem.controller.testsupport.PostgresControllerTest;
import org.springframework.beans.factory.annotation.Autowired;

/** The API scenarios on a real PostgreSQL server. */
class PostgresApiTest extends PostgresControllerTest implements ApiScenarios {
    @Autowired
    private ResourceService resourceService;

    @Override
    public int port() {
        return port;
    }

    @Override
    public ResourceService resourceService() {
        return resourceService;
    }
}
