package io.tandem.engine.nbd;

import io.tandem.engine.testing.Bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.engine.nbd.RawNbdClient.OptionReply;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fixed newstyle handshake, spoken byte by byte against a real server. */
class NbdServerHandshakeTest {

  static final int SIZE = 4 << 20;

  private final MemoryExport volume = new MemoryExport("r0/0", "volume 0 of r0", SIZE);
  private final MemoryExport readOnlyVolume = new MemoryExport("r1/0", "volume 0 of r1", SIZE).readOnly();
  private final MemoryExport refusing = new MemoryExport("r2/0", "", SIZE).refusing("r2 is Primary on node-b");
  private NbdServer server;

  @BeforeEach
  void start() throws IOException {
    server = new NbdServer(new MemoryExports().add(volume).add(readOnlyVolume).add(refusing));
    server.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aClientThatSaysNothingIsDisconnectedAfterTheHandshakeTimeout() throws IOException {
    NbdServer impatient = new NbdServer(new MemoryExports().add(volume),
        new NbdConnectionLimits(8, 1 << 20, java.time.Duration.ofMillis(200)));
    impatient.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    try (RawNbdClient client = RawNbdClient.connect(impatient.boundAddress())) {
      client.expectClosed();
    } finally {
      impatient.close();
    }
    assertThat(volume.attaches()).isZero();
  }

  @Test
  void aClientThatFinishesTheHandshakeKeepsItsConnectionPastTheTimeout() throws Exception {
    NbdServer impatient = new NbdServer(new MemoryExports().add(volume),
        new NbdConnectionLimits(8, 1 << 20, java.time.Duration.ofMillis(200)));
    impatient.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    try (RawNbdClient client = RawNbdClient.attach(impatient.boundAddress(), "r0/0")) {
      Thread.sleep(400); // the only way to show that nothing happens: outlive the timeout
      client.request(0, NbdProtocol.COMMAND_FLUSH, 7, 0, 0);
      client.expect(7, NbdError.NONE);
    } finally {
      impatient.close();
    }
  }

  @Test
  void goSendsTheRequestedInformationThenAcknowledgesAndAttaches() throws IOException {
    try (RawNbdClient client = RawNbdClient.connect(server.boundAddress())) {
      client.clientFlags(3);

      List<OptionReply> replies = client.go(NbdProtocol.OPTION_GO, "r0/0",
          NbdProtocol.INFO_NAME, NbdProtocol.INFO_DESCRIPTION, NbdProtocol.INFO_BLOCK_SIZE, 0x77);

      assertThat(replies).extracting(OptionReply::type).containsExactly(3, 3, 3, 3, 1);
      // INFO_EXPORT: size 4 MiB; flags HAS_FLAGS | SEND_FLUSH | SEND_FUA | SEND_TRIM | SEND_WRITE_ZEROES
      // | CAN_MULTI_CONN
      assertThat(replies.get(0).data()).containsExactly(Bytes.hexBytes("0000 0000000000400000 016d"));
      assertThat(replies.get(1).data()).containsExactly(Bytes.of().hex("0001").ascii("r0/0").array());
      assertThat(replies.get(2).data()).containsExactly(Bytes.of().hex("0002").ascii("volume 0 of r0").array());
      assertThat(replies.get(3).data()).containsExactly(Bytes.hexBytes("0003 00000001 00001000 02000000"));
      assertThat(volume.attaches()).isEqualTo(1);

      client.request(0, NbdProtocol.COMMAND_DISCONNECT, 0, 0, 0);
      client.expectClosed();
    }
    volume.awaitDetaches(1);
  }

  @Test
  void theEmptyNameIsTheDefaultExportAndInfoNameTellsItsName() throws IOException {
    try (RawNbdClient client = RawNbdClient.connect(server.boundAddress())) {
      client.clientFlags(1);

      List<OptionReply> replies = client.go(NbdProtocol.OPTION_GO, "", NbdProtocol.INFO_NAME);

      assertThat(replies).extracting(OptionReply::type).containsExactly(3, 3, 1);
      assertThat(replies.get(1).data()).containsExactly(Bytes.of().hex("0001").ascii("r0/0").array());
    }
  }

  @Test
  void infoDescribesWithoutAttachingThenGoAttaches() throws IOException {
    try (RawNbdClient client = RawNbdClient.connect(server.boundAddress())) {
      client.clientFlags(3);

      List<OptionReply> info = client.go(NbdProtocol.OPTION_INFO, "r1/0");

      assertThat(info).extracting(OptionReply::type).containsExactly(3, 1);
      assertThat(readOnlyVolume.attaches()).isZero();
      List<OptionReply> go = client.go(NbdProtocol.OPTION_GO, "r1/0");
      // The session is read-only: READ_ONLY, and no TRIM or WRITE_ZEROES to offer.
      assertThat(go.get(0).data()).containsExactly(Bytes.hexBytes("0000 0000000000400000 010f"));
      assertThat(readOnlyVolume.attaches()).isEqualTo(1);
    }
  }

  @Test
  void listNamesEveryExportWithItsDescription() throws IOException {
    try (RawNbdClient client = RawNbdClient.connect(server.boundAddress())) {
      client.clientFlags(3);
      client.option(NbdProtocol.OPTION_LIST, new byte[0]);

      assertThat(client.readOptionReply().data())
          .containsExactly(Bytes.of().hex("00000004").ascii("r0/0").ascii("volume 0 of r0").array());
      assertThat(client.readOptionReply().data())
          .containsExactly(Bytes.of().hex("00000004").ascii("r1/0").ascii("volume 0 of r1").array());
      assertThat(client.readOptionReply().data()).containsExactly(Bytes.of().hex("00000004").ascii("r2/0").array());
      assertThat(client.readOptionReply().type()).isEqualTo(NbdProtocol.REPLY_ACK);

      client.option(NbdProtocol.OPTION_LIST, new byte[] {1});
      assertThat(client.readOptionReply().type()).isEqualTo(NbdProtocol.REPLY_ERROR_INVALID);
    }
  }

  @Test
  void anUnknownExportIsAnErrorTheClientCanRecoverFrom() throws IOException {
    try (RawNbdClient client = RawNbdClient.connect(server.boundAddress())) {
      client.clientFlags(3);

      OptionReply unknown = client.go(NbdProtocol.OPTION_GO, "r9/0").get(0);
      OptionReply unknownInfo = client.go(NbdProtocol.OPTION_INFO, "r9/0").get(0);

      assertThat(unknown.type()).isEqualTo(NbdProtocol.REPLY_ERROR_UNKNOWN);
      assertThat(unknown.text()).isEqualTo("there is no export named 'r9/0'");
      assertThat(unknownInfo.type()).isEqualTo(NbdProtocol.REPLY_ERROR_UNKNOWN);
      assertThat(client.go(NbdProtocol.OPTION_GO, "r0/0")).last()
          .extracting(OptionReply::type).isEqualTo(NbdProtocol.REPLY_ACK);
    }
  }

  @Test
  void aRefusalAtAttachIsAPolicyErrorWithTheExportsMessage() throws IOException {
    try (RawNbdClient client = RawNbdClient.connect(server.boundAddress())) {
      client.clientFlags(3);

      OptionReply refused = client.go(NbdProtocol.OPTION_GO, "r2/0").get(0);

      assertThat(refused.type()).isEqualTo(NbdProtocol.REPLY_ERROR_POLICY);
      assertThat(refused.text()).isEqualTo("r2 is Primary on node-b");
      assertThat(client.go(NbdProtocol.OPTION_GO, "r0/0")).last()
          .extracting(OptionReply::type).isEqualTo(NbdProtocol.REPLY_ACK);
    }
  }

  @Test
  void malformedInfoDataIsInvalid() throws IOException {
    try (RawNbdClient client = RawNbdClient.connect(server.boundAddress())) {
      client.clientFlags(3);
      client.option(NbdProtocol.OPTION_GO, Bytes.hexBytes("00000010 0000"));

      OptionReply reply = client.readOptionReply();

      assertThat(reply.type()).isEqualTo(NbdProtocol.REPLY_ERROR_INVALID);
      assertThat(reply.text()).contains("runs past");
    }
  }

  @Test
  void otherOptionsAreUnsupported() throws IOException {
    try (RawNbdClient client = RawNbdClient.connect(server.boundAddress())) {
      client.clientFlags(3);
      // STARTTLS, STRUCTURED_REPLY, LIST_META_CONTEXT, SET_META_CONTEXT, EXTENDED_HEADERS, nonsense
      for (int option : new int[] {5, 8, 9, 10, 11, 0x12345678}) {
        client.option(option, new byte[] {1, 2, 3});
        OptionReply reply = client.readOptionReply();
        assertThat(reply.option()).isEqualTo(option);
        assertThat(reply.type()).isEqualTo(NbdProtocol.REPLY_ERROR_UNSUPPORTED);
      }
      assertThat(client.go(NbdProtocol.OPTION_GO, "r0/0")).last()
          .extracting(OptionReply::type).isEqualTo(NbdProtocol.REPLY_ACK);
    }
  }

  @Test
  void abortIsAcknowledgedThenTheServerCloses() throws IOException {
    try (RawNbdClient client = RawNbdClient.connect(server.boundAddress())) {
      client.clientFlags(3);
      client.option(NbdProtocol.OPTION_ABORT, new byte[0]);

      OptionReply reply = client.readOptionReply();

      assertThat(reply.option()).isEqualTo(NbdProtocol.OPTION_ABORT);
      assertThat(reply.type()).isEqualTo(NbdProtocol.REPLY_ACK);
      client.expectClosed();
    }
  }

  @Test
  void exportNameAnswersSizeAndFlagsWithoutZeroesWhenAgreed() throws IOException {
    try (RawNbdClient client = RawNbdClient.connect(server.boundAddress())) {
      client.clientFlags(3);
      client.option(NbdProtocol.OPTION_EXPORT_NAME, "r0/0".getBytes(StandardCharsets.UTF_8));

      assertThat(client.readBytes(10)).containsExactly(Bytes.hexBytes("0000000000400000 016d"));
      client.request(0, NbdProtocol.COMMAND_READ, 5, 0, 16);
      assertThat(client.expectData(5, 16)).containsOnly(0);
    }
  }

  @Test
  void exportNameAnswersWith124ZeroesOtherwise() throws IOException {
    try (RawNbdClient client = RawNbdClient.connect(server.boundAddress())) {
      client.clientFlags(1);
      client.option(NbdProtocol.OPTION_EXPORT_NAME, "r0/0".getBytes(StandardCharsets.UTF_8));

      assertThat(client.readBytes(10 + 124)).containsExactly(Bytes.of().hex("0000000000400000 016d").zeroes(124).array());
      client.request(0, NbdProtocol.COMMAND_READ, 5, 0, 16);
      assertThat(client.expectData(5, 16)).containsOnly(0);
    }
  }

  @Test
  void exportNameCannotCarryAnErrorSoAnUnknownExportOrARefusalCloses() throws IOException {
    for (String name : List.of("r9/0", "r2/0")) {
      try (RawNbdClient client = RawNbdClient.connect(server.boundAddress())) {
        client.clientFlags(3);
        client.option(NbdProtocol.OPTION_EXPORT_NAME, name.getBytes(StandardCharsets.UTF_8));
        client.expectClosed();
      }
    }
  }

  @Test
  void aPlainNewstyleClientMayUseExportNameOnly() throws IOException {
    try (RawNbdClient client = RawNbdClient.connect(server.boundAddress())) {
      client.clientFlags(0);
      client.option(NbdProtocol.OPTION_EXPORT_NAME, new byte[0]);

      assertThat(client.readBytes(10 + 124)).startsWith(Bytes.hexBytes("0000000000400000 016d"));
    }
    try (RawNbdClient client = RawNbdClient.connect(server.boundAddress())) {
      client.clientFlags(0);
      client.option(NbdProtocol.OPTION_LIST, new byte[0]);
      client.expectClosed();
    }
  }

  @Test
  void unknownClientFlagsClose() throws IOException {
    try (RawNbdClient client = RawNbdClient.connect(server.boundAddress())) {
      client.clientFlags(1 | 1 << 2);
      client.expectClosed();
    }
  }

  @Test
  void optionFramingErrorsClose() throws IOException {
    try (RawNbdClient client = RawNbdClient.connect(server.boundAddress())) {
      client.clientFlags(3);
      client.raw(Bytes.hexBytes("49484156454f5055 00000003 00000000"));
      client.expectClosed();
    }
    try (RawNbdClient client = RawNbdClient.connect(server.boundAddress())) {
      client.clientFlags(3);
      client.raw(Bytes.hexBytes("49484156454f5054 00000007 00010001"));
      client.expectClosed();
    }
  }
}
