package io.tandem.engine.nbd;

import io.tandem.engine.testing.Bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.engine.nbd.MemoryExport.Held;
import io.tandem.engine.nbd.RawNbdClient.Reply;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The transmission phase: requests, validation, pipelining, backpressure and disconnects. */
class NbdServerTransmissionTest {

  static final int SIZE = 4 << 20;
  static final int FUA = NbdProtocol.COMMAND_FLAG_FUA;

  private final MemoryExport volume = new MemoryExport("r0/0", "volume 0 of r0", SIZE);
  private final MemoryExport readOnlyVolume = new MemoryExport("r1/0", "", SIZE).readOnly();
  private final MemoryExport plainVolume = new MemoryExport("r2/0", "", SIZE).withoutTrimOrWriteZeroes();
  private NbdServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    assertThat(volume.violations()).isEmpty();
  }

  @Test
  void writesReadsFlushesTrimsAndWritesZeroes() throws IOException {
    start(NbdConnectionLimits.DEFAULT);
    byte[] pattern = pattern(8192, 1);
    try (RawNbdClient client = RawNbdClient.attach(server.boundAddress(), "r0/0")) {
      client.request(FUA, NbdProtocol.COMMAND_WRITE, 1, 4096, pattern.length, pattern);
      client.expect(1, NbdError.NONE);
      client.request(0, NbdProtocol.COMMAND_READ, 2, 4096, pattern.length);
      assertThat(client.expectData(2, pattern.length)).isEqualTo(pattern);
      client.request(0, NbdProtocol.COMMAND_FLUSH, 3, 0, 0);
      client.expect(3, NbdError.NONE);
      client.request(0, NbdProtocol.COMMAND_TRIM, 4, 4096, 1024);
      client.expect(4, NbdError.NONE);
      client.request(NbdProtocol.COMMAND_FLAG_NO_HOLE, NbdProtocol.COMMAND_WRITE_ZEROES, 5, 8192, 1024);
      client.expect(5, NbdError.NONE);
      client.request(0, NbdProtocol.COMMAND_READ, 6, 4096, pattern.length);
      byte[] expected = pattern.clone();
      Arrays.fill(expected, 0, 1024, (byte) 0);
      Arrays.fill(expected, 4096, 5120, (byte) 0);
      assertThat(client.expectData(6, pattern.length)).isEqualTo(expected);
      client.request(0, NbdProtocol.COMMAND_DISCONNECT, 7, 0, 0);
      client.expectClosed();
    }
    volume.awaitDetaches(1);
    assertThat(volume.submitted()).extracting(NbdRequest::command).containsExactly(NbdCommand.WRITE,
        NbdCommand.READ, NbdCommand.FLUSH, NbdCommand.TRIM, NbdCommand.WRITE_ZEROES, NbdCommand.READ);
    assertThat(volume.submitted().get(0).flags()).containsExactly(NbdCommandFlag.FUA);
    assertThat(volume.submitted().get(4).flags()).containsExactly(NbdCommandFlag.NO_HOLE);
  }

  @Test
  void badRequestsGetErrorRepliesAndTheConnectionLives() throws IOException {
    start(NbdConnectionLimits.DEFAULT);
    byte[] pattern = pattern(4096, 2);
    volume.fill(pattern);
    try (RawNbdClient client = RawNbdClient.attach(server.boundAddress(), "r0/0")) {
      long cookie = 100;
      // (flags, type, offset, length, payload bytes, expected error)
      Object[][] bad = {
          {0, 9, 0L, 512L, 0, NbdError.EINVAL},                                  // unknown command
          {1 << 4, NbdProtocol.COMMAND_READ, 0L, 512L, 0, NbdError.EINVAL},        // unknown flag
          {NbdProtocol.COMMAND_FLAG_NO_HOLE, NbdProtocol.COMMAND_WRITE, 0L, 16L, 16, NbdError.EINVAL},
          {0, NbdProtocol.COMMAND_READ, 0L, 0L, 0, NbdError.EINVAL},              // empty
          {0, NbdProtocol.COMMAND_READ, (long) SIZE, 1L, 0, NbdError.EINVAL},     // past the end
          {0, NbdProtocol.COMMAND_READ, -4096L, 8192L, 0, NbdError.EINVAL},       // wraps around
          {0, NbdProtocol.COMMAND_READ, 0L, (32L << 20) + 1, 0, NbdError.EINVAL}, // too long
          {0, NbdProtocol.COMMAND_WRITE, SIZE - 8L, 16L, 16, NbdError.ENOSPC},    // past the end, drained
          {0, NbdProtocol.COMMAND_WRITE_ZEROES, (long) SIZE, 512L, 0, NbdError.ENOSPC},
          {0, NbdProtocol.COMMAND_TRIM, SIZE - 8L, 16L, 0, NbdError.EINVAL},
          {0, NbdProtocol.COMMAND_FLUSH, 4096L, 0L, 0, NbdError.EINVAL},
      };
      for (Object[] request : bad) {
        cookie++;
        client.request((int) request[0], (int) request[1], cookie, (long) request[2], (long) request[3],
            new byte[(int) request[4]]);
        client.expect(cookie, (NbdError) request[5]);
        client.request(0, NbdProtocol.COMMAND_READ, 1, 0, 4096);
        assertThat(client.expectData(1, 4096)).as("still in step after cookie " + cookie).isEqualTo(pattern);
      }
    }
    assertThat(volume.submitted()).extracting(NbdRequest::cookie).containsOnly(1L);
  }

  @Test
  void aSessionWithoutTrimOrWriteZeroesGetsNeither() throws IOException {
    start(NbdConnectionLimits.DEFAULT);
    try (RawNbdClient client = RawNbdClient.attach(server.boundAddress(), "r2/0")) {
      client.request(0, NbdProtocol.COMMAND_TRIM, 1, 0, 512);
      client.expect(1, NbdError.EINVAL);
      client.request(0, NbdProtocol.COMMAND_WRITE_ZEROES, 2, 0, 512);
      client.expect(2, NbdError.EINVAL);
    }
    assertThat(plainVolume.submitted()).isEmpty();
  }

  @Test
  void aReadOnlySessionRefusesChangesWithEpermAndStillReads() throws IOException {
    start(NbdConnectionLimits.DEFAULT);
    try (RawNbdClient client = RawNbdClient.attach(server.boundAddress(), "r1/0")) {
      client.request(0, NbdProtocol.COMMAND_WRITE, 1, 0, 16, new byte[16]);
      client.expect(1, NbdError.EPERM);
      client.request(0, NbdProtocol.COMMAND_TRIM, 2, 0, 512);
      client.expect(2, NbdError.EPERM);
      client.request(0, NbdProtocol.COMMAND_WRITE_ZEROES, 3, 0, 512);
      client.expect(3, NbdError.EPERM);
      client.request(FUA, NbdProtocol.COMMAND_READ, 4, 0, 16);
      client.expectData(4, 16);
      client.request(0, NbdProtocol.COMMAND_FLUSH, 5, 0, 0);
      client.expect(5, NbdError.NONE);
    }
    assertThat(readOnlyVolume.submitted()).extracting(NbdRequest::command)
        .containsExactly(NbdCommand.READ, NbdCommand.FLUSH);
  }

  @Test
  void aWrongRequestMagicClosesTheConnectionAndDetaches() throws IOException {
    start(NbdConnectionLimits.DEFAULT);
    try (RawNbdClient client = RawNbdClient.attach(server.boundAddress(), "r0/0")) {
      client.raw(Bytes.hexBytes("25609514 0000 0000 0000000000000001 0000000000000000 00000200"));
      client.expectClosed();
    }
    volume.awaitDetaches(1);
  }

  @Test
  void aWritePayloadOverThirtyTwoMebibytesClosesTheConnection() throws IOException {
    start(NbdConnectionLimits.DEFAULT);
    try (RawNbdClient client = RawNbdClient.attach(server.boundAddress(), "r0/0")) {
      client.request(0, NbdProtocol.COMMAND_WRITE, 1, 0, (32L << 20) + 1);
      client.expectClosed();
    }
    volume.awaitDetaches(1);
  }

  @Test
  void pipelinedRequestsCompleteOutOfOrder() throws Exception {
    start(NbdConnectionLimits.DEFAULT);
    byte[] before = pattern(SIZE, 3);
    volume.fill(before);
    volume.holdCompletions();
    int count = 64;
    Map<Long, byte[]> written = new HashMap<>();
    try (RawNbdClient client = RawNbdClient.attach(server.boundAddress(), "r0/0")) {
      for (long cookie = 0; cookie < count; cookie++) {
        long offset = cookie * 65536;
        if (cookie % 2 == 0) {
          client.request(0, NbdProtocol.COMMAND_READ, cookie, offset, 4096);
        } else {
          byte[] data = pattern(4096, (int) cookie + 10);
          written.put(cookie, data);
          client.request(FUA, NbdProtocol.COMMAND_WRITE, cookie, offset, data.length, data);
        }
      }
      List<Held> held = volume.awaitHeld(count);
      assertThat(held).extracting(h -> h.request().cookie()).as("submitted in order, none waited for")
          .containsExactlyElementsOf(cookies(0, count));
      Collections.reverse(held);
      CompletableFuture.runAsync(() -> held.forEach(h -> h.complete().run())).get(10, TimeUnit.SECONDS);

      for (long expected = count - 1; expected >= 0; expected--) {
        Reply reply = client.readReply();
        assertThat(reply).isEqualTo(new Reply(0, expected));
        if (expected % 2 == 0) {
          int offset = (int) expected * 65536;
          assertThat(client.readBytes(4096)).isEqualTo(Arrays.copyOfRange(before, offset, offset + 4096));
        }
      }
    }
    byte[] after = volume.contents();
    written.forEach((cookie, data) -> {
      int offset = (int) (cookie * 65536);
      assertThat(Arrays.copyOfRange(after, offset, offset + 4096)).isEqualTo(data);
    });
  }

  @Test
  void atTheBoundTheServerStopsReading() throws Exception {
    start(new NbdConnectionLimits(4, 1 << 20));
    volume.holdCompletions();
    int count = 20;
    try (RawNbdClient client = RawNbdClient.attach(server.boundAddress(), "r0/0")) {
      for (long cookie = 0; cookie < count; cookie++) {
        client.request(0, NbdProtocol.COMMAND_READ, cookie, cookie * 4096, 4096);
      }
      for (int batch = 0; batch < count / 4; batch++) {
        volume.awaitHeld(4).forEach(h -> h.complete().run());
      }
      for (long cookie = 0; cookie < count; cookie++) {
        client.expectData(cookie, 4096);
      }
    }
    assertThat(volume.maxOutstanding()).isEqualTo(4);
  }

  @Test
  void theDataBoundCountsReadLengthsAndWritePayloads() throws Exception {
    start(new NbdConnectionLimits(128, 8192));
    volume.holdCompletions();
    try (RawNbdClient client = RawNbdClient.attach(server.boundAddress(), "r0/0")) {
      for (long cookie = 0; cookie < 6; cookie++) {
        if (cookie % 2 == 0) {
          client.request(0, NbdProtocol.COMMAND_READ, cookie, 0, 4096);
        } else {
          client.request(0, NbdProtocol.COMMAND_WRITE, cookie, 0, 4096, new byte[4096]);
        }
      }
      for (int batch = 0; batch < 3; batch++) {
        volume.awaitHeld(2).forEach(h -> h.complete().run());
      }
      for (long cookie = 0; cookie < 6; cookie++) {
        Reply reply = client.readReply();
        if (reply.cookie() % 2 == 0) {
          client.readBytes(4096);
        }
      }
    }
    assertThat(volume.maxOutstanding()).isEqualTo(2);
  }

  @Test
  void disconnectWaitsForInFlightRequestsThenClosesThenDetaches() throws Exception {
    start(NbdConnectionLimits.DEFAULT);
    volume.holdCompletions();
    try (RawNbdClient client = RawNbdClient.attach(server.boundAddress(), "r0/0")) {
      for (long cookie = 1; cookie <= 3; cookie++) {
        client.request(0, NbdProtocol.COMMAND_WRITE, cookie, cookie * 512, 512, new byte[512]);
      }
      client.request(0, NbdProtocol.COMMAND_DISCONNECT, 9, 0, 0);
      List<Held> held = volume.awaitHeld(3);
      assertThat(volume.detaches()).isZero();
      CompletableFuture.runAsync(() -> held.forEach(h -> h.complete().run())).get(10, TimeUnit.SECONDS);

      for (long cookie = 1; cookie <= 3; cookie++) {
        client.expect(cookie, NbdError.NONE);
      }
      client.expectClosed();
    }
    volume.awaitDetaches(1);
  }

  @Test
  void aClientThatVanishesIsDetachedAfterItsRequestsComplete() throws Exception {
    start(NbdConnectionLimits.DEFAULT);
    volume.holdCompletions();
    try (RawNbdClient client = RawNbdClient.attach(server.boundAddress(), "r0/0")) {
      client.request(0, NbdProtocol.COMMAND_READ, 1, 0, 512);
      client.request(0, NbdProtocol.COMMAND_READ, 2, 512, 512);
    }
    List<Held> held = volume.awaitHeld(2);
    assertThat(volume.detaches()).isZero();
    held.forEach(h -> h.complete().run());
    volume.awaitDetaches(1);
  }

  @Test
  void closingTheServerLetsInFlightRequestsFinish() throws Exception {
    start(NbdConnectionLimits.DEFAULT);
    volume.holdCompletions();
    try (RawNbdClient client = RawNbdClient.attach(server.boundAddress(), "r0/0")) {
      client.request(0, NbdProtocol.COMMAND_READ, 1, 0, 512);
      List<Held> held = volume.awaitHeld(1);
      CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);

      held.forEach(h -> h.complete().run());

      client.expectData(1, 512);
      client.expectClosed();
      closing.get(10, TimeUnit.SECONDS);
    }
    volume.awaitDetaches(1);
  }

  @Test
  void severalConnectionsToOneExportAtOnce() throws Exception {
    start(NbdConnectionLimits.DEFAULT);
    List<CompletableFuture<Void>> clients = new ArrayList<>();
    for (int index = 0; index < 4; index++) {
      int region = index;
      clients.add(CompletableFuture.runAsync(() -> {
        try (RawNbdClient client = RawNbdClient.attach(server.boundAddress(), "r0/0")) {
          byte[] data = pattern(65536, region);
          for (long cookie = 0; cookie < 16; cookie++) {
            client.request(0, NbdProtocol.COMMAND_WRITE, cookie, region * 1048576L + cookie * 65536, 65536, data);
          }
          for (long cookie = 0; cookie < 16; cookie++) {
            client.expect(cookie, NbdError.NONE);
          }
        } catch (IOException e) {
          throw new AssertionError(e);
        }
      }));
    }
    CompletableFuture.allOf(clients.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    byte[] contents = volume.contents();
    for (int region = 0; region < 4; region++) {
      assertThat(Arrays.copyOfRange(contents, region * 1048576, region * 1048576 + 65536))
          .isEqualTo(pattern(65536, region));
    }
    volume.awaitDetaches(4);
  }

  @Test
  void completionsAreCheckedAndHappenOnce() throws Exception {
    BlockingQueue<NbdCompletion> completions = new ArrayBlockingQueue<>(4);
    NbdSession session = new NbdSession() {
      @Override
      public boolean readOnly() {
        return false;
      }

      @Override
      public void submit(NbdRequest request, NbdCompletion completion) {
        completions.add(completion);
      }

      @Override
      public void detach() {}
    };
    server = new NbdServer(new MemoryExports().add(new OneSessionExport("x", SIZE, session)));
    server.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    try (RawNbdClient client = RawNbdClient.attach(server.boundAddress(), "x")) {
      client.request(0, NbdProtocol.COMMAND_READ, 1, 0, 512);
      NbdCompletion completion = completions.poll(10, TimeUnit.SECONDS);

      assertThatThrownBy(() -> completion.complete(NbdError.NONE, ByteBuffer.allocate(100)))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("100 bytes");
      client.expect(1, NbdError.EIO);
      assertThatThrownBy(() -> completion.complete(NbdError.NONE, ByteBuffer.allocate(512)))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("twice");

      client.request(0, NbdProtocol.COMMAND_READ, 2, 0, 512);
      completions.poll(10, TimeUnit.SECONDS).complete(NbdError.EIO, null);
      client.expect(2, NbdError.EIO);
    }
  }

  /** An export that hands out one given session. */
  private record OneSessionExport(String name, long sizeBytes, NbdSession session) implements NbdExport {

    @Override
    public String description() {
      return "";
    }

    @Override
    public boolean supportsTrim() {
      return false;
    }

    @Override
    public boolean supportsWriteZeroes() {
      return false;
    }

    @Override
    public boolean supportsMultiConnection() {
      return false;
    }

    @Override
    public NbdSession attach(String clientAddress) {
      return session;
    }
  }

  private void start(NbdConnectionLimits limits) throws IOException {
    server = new NbdServer(new MemoryExports().add(volume).add(readOnlyVolume).add(plainVolume), limits);
    server.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
  }

  private static List<Long> cookies(long from, long to) {
    List<Long> cookies = new ArrayList<>();
    for (long cookie = from; cookie < to; cookie++) {
      cookies.add(cookie);
    }
    return cookies;
  }

  static byte[] pattern(int length, int seed) {
    byte[] bytes = new byte[length];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }
}
