package io.tandem.satellite;

import io.tandem.satellite.link.LinkServer;
import io.tandem.satellite.reconcile.NodeAgent;
import io.tandem.satellite.storage.ProviderProbe;
import java.io.IOException;
import java.net.InetSocketAddress;

/** The satellite's parts, wired: the node agent that reconciles, and the link server in front of it. */
public final class Satellite implements AutoCloseable {
    private final NodeAgent agent;
    private final LinkServer server;

    public Satellite(SatelliteConfig config) {
        this.agent = new NodeAgent(ProviderProbe.probe());
        this.server = new LinkServer(config, agent);
    }

    public void start() throws IOException {
        server.start();
    }

    public InetSocketAddress listenAddress() {
        return server.boundAddress();
    }

    @Override
    public void close() {
        server.close();
        agent.close();
    }
}
