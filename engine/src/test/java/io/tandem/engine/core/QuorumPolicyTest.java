package io.tandem.engine.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class QuorumPolicyTest {

  @Test
  void parsesDrbdsWords() {
    assertThat(QuorumPolicy.parse("off")).isEqualTo(QuorumPolicy.OFF);
    assertThat(QuorumPolicy.parse("Majority")).isEqualTo(QuorumPolicy.MAJORITY);
    assertThat(QuorumPolicy.parse("all").mode()).isEqualTo(QuorumPolicy.Mode.ALL);
    assertThat(QuorumPolicy.parse("2")).isEqualTo(new QuorumPolicy(QuorumPolicy.Mode.COUNT, 2));
    assertThatThrownBy(() -> QuorumPolicy.parse("most")).hasMessageContaining("not off, majority, all");
  }

  @Test
  void saysWhyInAnOperatorsWords() {
    QuorumVerdict verdict = QuorumPolicy.MAJORITY.evaluate(3, 1);
    assertThat(verdict.hasQuorum()).isFalse();
    assertThat(verdict.reason()).isEqualTo("1 of 3 nodes visible, need 2");
    assertThat(QuorumPolicy.MAJORITY.evaluate(1, 1).hasQuorum()).isTrue();
    assertThat(QuorumPolicy.OFF.evaluate(3, 0).hasQuorum()).isTrue();
  }

  /** Against the plain definitions: more than half; every one; at least N. */
  @Property
  void agreesWithTheDefinitions(@ForAll @IntRange(min = 0, max = 32) int voters,
      @ForAll @IntRange(min = 0, max = 32) int visible, @ForAll @IntRange(min = 1, max = 32) int count) {
    if (visible > voters) {
      return;
    }
    assertThat(QuorumPolicy.MAJORITY.evaluate(voters, visible).hasQuorum()).isEqualTo(2 * visible > voters);
    assertThat(QuorumPolicy.parse("all").evaluate(voters, visible).hasQuorum()).isEqualTo(visible == voters);
    assertThat(new QuorumPolicy(QuorumPolicy.Mode.COUNT, count).evaluate(voters, visible).hasQuorum())
        .isEqualTo(visible >= count);
  }
}
