package io.tandem.engine.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.engine.core.Effect;
import io.tandem.engine.core.Event;
import io.tandem.engine.wire.Ping;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The simulated network keeps the promises the cores rely on, through random partitions, cuts,
 * spikes, holds and nodes going down: per node and peer, connections are announced and ended
 * alternately, under ids never seen before and different from the other side's; messages arrive
 * only between the two, in sending order, without gaps (what is lost is the tail sent after the
 * connection ended); after the heal every pair is connected again.
 */
class SimulatedNetworkTest {

  private static final int SEQUENCE_BITS = 20;

  /** A node that checks what the network hands it and sends numbered pings. */
  private static final class StubNode implements SimulatedNetwork.Node {
    final int id;
    final Map<Long, Long> nextFromSender;
    final Map<Long, Long> receiverOfSender;
    final Set<Long> seenIds;
    boolean up = true;
    int incarnation = 1;
    /** Peer → the id this node knows its current connection by. */
    final Map<Integer, Long> connections = new HashMap<>();
    final Map<Long, Long> sent = new HashMap<>();
    long received;

    StubNode(int id, Map<Long, Long> nextFromSender, Map<Long, Long> receiverOfSender, Set<Long> seenIds) {
      this.id = id;
      this.nextFromSender = nextFromSender;
      this.receiverOfSender = receiverOfSender;
      this.seenIds = seenIds;
    }

    @Override
    public int nodeId() {
      return id;
    }

    @Override
    public boolean up() {
      return up;
    }

    @Override
    public int incarnation() {
      return incarnation;
    }

    @Override
    public void handle(Event event) {
      if (!up) {
        throw new AssertionError(this + " is down but was handed " + event);
      }
      if (event instanceof Event.PeerConnected connected) {
        assertThat(connections).as(this + " was told of a second connection to n" + connected.nodeId())
            .doesNotContainKey(connected.nodeId());
        assertThat(seenIds.add(connected.connectionId())).as("connection id " + connected.connectionId()
            + " is fresh").isTrue();
        connections.put(connected.nodeId(), connected.connectionId());
      } else if (event instanceof Event.PeerDisconnected disconnected) {
        assertThat(connections.get(disconnected.nodeId())).as(this + " ends the connection it was told of")
            .isEqualTo(disconnected.connectionId());
        connections.remove(disconnected.nodeId());
      } else if (event instanceof Event.PeerReceived message) {
        assertThat(connections.get(message.nodeId())).as(this + " receives only on a live announced connection")
            .isEqualTo(message.connectionId());
        long sequence = ((Ping) message.message()).sequence();
        long senderConnection = sequence >>> SEQUENCE_BITS;
        long number = sequence & ((1L << SEQUENCE_BITS) - 1);
        Long receiver = receiverOfSender.putIfAbsent(senderConnection, message.connectionId());
        assertThat(receiver == null ? message.connectionId() : receiver).as("one connection, one id per side")
            .isEqualTo(message.connectionId());
        assertThat(senderConnection).as("each side has an id of its own").isNotEqualTo(message.connectionId());
        long expected = nextFromSender.getOrDefault(senderConnection, 1L);
        assertThat(number).as("messages in order, without gaps").isEqualTo(expected);
        nextFromSender.put(senderConnection, expected + 1);
        received++;
      } else {
        throw new AssertionError("not a network event: " + event);
      }
    }

    void sendPing(SimulatedNetwork network, int peer) {
      long connection = connections.get(peer);
      long number = sent.merge(connection, 1L, Long::sum);
      network.send(this, new Effect.SendToPeer(peer, connection, new Ping((connection << SEQUENCE_BITS) | number)));
    }

    @Override
    public String toString() {
      return "n" + id;
    }
  }

  @Test
  void connectionsAndMessagesKeepTheirPromisesThroughEveryFault() {
    long delivered = 0;
    long dropped = 0;
    for (long seed : SimulationSeeds.seeds(100)) {
      long[] counts = run(seed);
      delivered += counts[0];
      dropped += counts[1];
    }
    assertThat(delivered).isGreaterThan(1000);
    assertThat(dropped).isPositive();
  }

  private static long[] run(long seed) {
    Random random = new Random(seed);
    SimulationClock clock = new SimulationClock();
    SimulationTrace trace = new SimulationTrace(50, false);
    Map<Long, Long> nextFromSender = new HashMap<>();
    Map<Long, Long> receiverOfSender = new HashMap<>();
    Set<Long> seenIds = new HashSet<>();
    List<StubNode> nodes = new ArrayList<>();
    int count = 2 + random.nextInt(3);
    for (int id = 0; id < count; id++) {
      nodes.add(new StubNode(id, nextFromSender, receiverOfSender, seenIds));
    }
    SimulatedNetwork network = new SimulatedNetwork(nodes, clock, random, trace);
    try {
      for (int step = 0; step < 2000; step++) {
        int dice = random.nextInt(100);
        StubNode node = nodes.get(random.nextInt(count));
        int peer = (node.id + 1 + random.nextInt(count - 1)) % count;
        if (dice < 2) {
          network.partition();
        } else if (dice < 4) {
          network.healPartition();
        } else if (dice < 6) {
          network.cutOne();
        } else if (dice < 7) {
          network.spike(random.nextInt(50_000), random.nextInt(20_000));
        } else if (dice < 8 && node.up) {
          network.hold(node, new Effect.HoldPeer(peer, random.nextBoolean(), "test"));
        } else if (dice < 9 && node.up) {
          node.up = false;
          node.incarnation++;
          node.connections.clear();
          network.nodeDown(node.id);
        } else if (dice < 12 && !node.up) {
          node.up = true;
        } else if (node.up && node.connections.containsKey(peer)) {
          node.sendPing(network, peer);
        }
        network.tick();
        clock.advanceTo(clock.now() + random.nextInt(3_000));
      }
      network.healAll();
      for (StubNode node : nodes) {
        node.up = true;
        for (int peer = 0; peer < count; peer++) {
          if (peer != node.id) {
            network.hold(node, new Effect.HoldPeer(peer, false, "heal"));
          }
        }
      }
      for (int round = 0; !network.fullyConnected() || !everyoneConnected(nodes); round++) {
        assertThat(round).as("connected again after the heal").isLessThan(10_000);
        network.tick();
        clock.advanceTo(clock.now() + 1_000);
      }
      return new long[] {network.delivered(), network.dropped()};
    } catch (AssertionError e) {
      throw new AssertionError("seed " + seed + ": " + e.getMessage() + "\n" + trace.lastEntries(), e);
    }
  }

  private static boolean everyoneConnected(List<StubNode> nodes) {
    return nodes.stream().allMatch(node -> node.connections.size() == nodes.size() - 1);
  }
}
