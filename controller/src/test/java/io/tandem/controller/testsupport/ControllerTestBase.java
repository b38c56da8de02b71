package io.tandem.controller.testsupport;

import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.test.web.server.LocalServerPort;

/** What every whole-controller test needs: the port, raw HTTP, and names no other test uses. */
public abstract class ControllerTestBase {
    private static final AtomicInteger UNIQUE = new AtomicInteger();

    @LocalServerPort
    protected int port;

    protected RawHttp http() {
        return new RawHttp(port);
    }

    /** A name no other test in this JVM uses, valid for nodes, pools and the like. */
    protected static String unique(String prefix) {
        return prefix + "-" + UNIQUE.incrementAndGet() + "-" + Long.toString(System.nanoTime() % 100000, 36);
    }
}
