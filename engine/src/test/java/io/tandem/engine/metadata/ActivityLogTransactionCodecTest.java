package io.tandem.engine.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class ActivityLogTransactionCodecTest {

  @Test
  void encodesTheHeaderAsTheTableSays() {
    byte[] bytes = ActivityLogTransactionCodec.encode(
        new ActivityLogTransaction(7, TransactionType.UPDATE, List.of(3L, 0xfffffffeL)));
    assertThat(HexFormat.of().formatHex(bytes, 0, 28)).isEqualTo(""
        + "54414c54" + "0001" + "0002" + "0000000000000007" + "00000000" + "00000003" + "fffffffe");
  }

  @Property(tries = 300)
  void roundTrips(@ForAll("transactions") ActivityLogTransaction transaction) throws MetadataFormatException {
    assertThat(ActivityLogTransactionCodec.decode(ActivityLogTransactionCodec.encode(transaction)))
        .isEqualTo(transaction);
  }

  @Property(tries = 300)
  void anySingleFlippedBitIsCaught(@ForAll("transactions") ActivityLogTransaction transaction,
      @ForAll @IntRange(min = 0, max = 4096 * 8 - 1) int bit) {
    byte[] bytes = ActivityLogTransactionCodec.encode(transaction);
    bytes[bit / 8] ^= (byte) (1 << (bit % 8));
    assertThatThrownBy(() -> ActivityLogTransactionCodec.decode(bytes))
        .isInstanceOf(MetadataFormatException.class)
        .hasMessageContaining("activity log transaction");
  }

  @Test
  void aBlankBlockIsBlank() {
    assertThat(ActivityLogTransactionCodec.isBlank(new byte[4096])).isTrue();
  }

  @Provide
  Arbitrary<ActivityLogTransaction> transactions() {
    return Combinators.combine(
            Arbitraries.longs().greaterOrEqual(1),
            Arbitraries.of(TransactionType.class),
            Arbitraries.longs().between(0, 0xffffffffL).list().ofMaxSize(ActivityLogTransaction.MAX_EXTENTS))
        .as(ActivityLogTransaction::new);
  }
}
