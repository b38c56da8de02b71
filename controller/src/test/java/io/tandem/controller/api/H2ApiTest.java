package io.tandem.controller.api;

import io.tandem.controller.resource.ResourceService;
import io.tandem.controller.testsupport.H2ControllerTest;
import org.springframework.beans.factory.annotation.Autowired;

/** The API scenarios on the default database, an H2 file. */
class H2ApiTest extends H2ControllerTest implements ApiScenarios {
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
