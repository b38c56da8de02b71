package io.tandem.engine.simulation;

/**
 * Spreads consecutive numbers into well-mixed seeds (Steele, Lea and Flood's SplitMix64
 * finalizer), so seed {@code n} and {@code n + 1} explore unrelated runs.
 */
final class SplitMix64 {
  private SplitMix64() {}

  static long mix(long value) {
    long z = value + 0x9e3779b97f4a7c15L;
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
