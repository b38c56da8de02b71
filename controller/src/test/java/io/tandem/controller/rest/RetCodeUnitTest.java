package io.tandem.controller.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * LINSTOR's {@code ret_code} bit layout (API.md §2.9, linstor-common {@code consts.json}): severity in
 * bits 62–63, operation in 24–25, object in 18–22, code in 0–14. Clients classify by these bits and
 * match some exact values, so they must be LINSTOR's.
 */
class RetCodeUnitTest {
    private static final long OPERATION_BITS = 0x0000000003000000L;
    private static final long OBJECT_BITS = 0x00000000007C0000L;
    private static final long CODE_BITS = 0x0000000000007FFFL;

    private static Map<String, Long> constants() {
        Map<String, Long> constants = new HashMap<>();
        for (Field field : RetCode.class.getDeclaredFields()) {
            int modifiers = field.getModifiers();
            if (Modifier.isPublic(modifiers) && Modifier.isStatic(modifiers) && field.getType() == long.class) {
                try {
                    constants.put(field.getName(), field.getLong(null));
                } catch (IllegalAccessException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return constants;
    }

    @Test
    void workedExamplesFromTheSpec() {
        assertThat(RetCode.MASK_CRT | RetCode.MASK_RSC_DFN | RetCode.CREATED).isEqualTo(20447233L);
        long failNotFoundRscDfn = RetCode.MASK_ERROR | 301;
        assertThat(failNotFoundRscDfn).isEqualTo(-4611686018427387603L);
        assertThat(RetCode.API_CALL_PARSE_ERROR).isEqualTo(0x0FFFFFFFFFFFFFFDL | 0xC000000000000000L);
    }

    @Test
    void masksAreLinstors() {
        assertThat(RetCode.MASK_ERROR).isEqualTo(0xC000000000000000L);
        assertThat(RetCode.MASK_WARN).isEqualTo(0x8000000000000000L);
        assertThat(RetCode.MASK_INFO).isEqualTo(0x4000000000000000L);
        assertThat(List.of(RetCode.MASK_CRT, RetCode.MASK_MOD, RetCode.MASK_DEL))
                .containsExactly(0x01000000L, 0x02000000L, 0x03000000L);
        assertThat(List.of(RetCode.MASK_NODE, RetCode.MASK_RSC_DFN, RetCode.MASK_RSC, RetCode.MASK_VLM_DFN,
                RetCode.MASK_VLM, RetCode.MASK_NET_IF, RetCode.MASK_STOR_POOL_DFN, RetCode.MASK_STOR_POOL,
                RetCode.MASK_CTRL_CONF, RetCode.MASK_SNAPSHOT, RetCode.MASK_RSC_GRP, RetCode.MASK_VLM_GRP,
                RetCode.MASK_KVS))
                .containsExactly(0x3C0000L, 0x380000L, 0x340000L, 0x300000L, 0x2C0000L, 0x1C0000L, 0x180000L,
                        0x140000L, 0x100000L, 0x0C0000L, 0x440000L, 0x480000L, 0x400000L);
    }

    @Test
    void codesFromTheSpec() {
        assertThat(List.of(RetCode.CREATED, RetCode.DELETED, RetCode.MODIFIED)).containsExactly(1L, 2L, 3L);
        assertThat(RetCode.FAIL_INVLD_NODE_NAME).isEqualTo(200 | RetCode.MASK_ERROR);
        assertThat(RetCode.FAIL_NOT_FOUND_NODE).isEqualTo(300 | RetCode.MASK_ERROR);
        assertThat(RetCode.FAIL_EXISTS_NODE).isEqualTo(500 | RetCode.MASK_ERROR);
        assertThat(RetCode.FAIL_IN_USE).isEqualTo(997 | RetCode.MASK_ERROR);
        assertThat(RetCode.FAIL_UNKNOWN_ERROR).isEqualTo(998 | RetCode.MASK_ERROR);
        assertThat(RetCode.WARN_NOT_FOUND).isEqualTo(3000 | RetCode.MASK_WARN);
    }

    @Test
    void objectMasksUseOnlyTheObjectBitsAndAreDistinct() {
        Map<String, Long> objects = constants().entrySet().stream()
                .filter(e -> e.getKey().startsWith("MASK_") && (e.getValue() & ~OBJECT_BITS) == 0)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        assertThat(objects).containsKeys("MASK_NODE", "MASK_RSC_DFN", "MASK_KVS", "MASK_SNAPSHOT");
        assertThat(objects.values()).doesNotHaveDuplicates().allMatch(mask -> mask != 0);
    }

    @Test
    void everyFailureIsAnErrorInItsFamily() {
        Map<String, long[]> families = Map.of(
                "FAIL_INVLD_", new long[] {200, 299},
                "FAIL_NOT_FOUND_", new long[] {300, 399},
                "FAIL_ACC_DENIED_", new long[] {400, 499},
                "FAIL_EXISTS_", new long[] {500, 599},
                "FAIL_MISSING_", new long[] {600, 699});
        constants().forEach((name, value) -> {
            if (name.startsWith("FAIL_")) {
                assertThat(RetCode.isError(value)).as(name).isTrue();
                assertThat(value & (OPERATION_BITS | OBJECT_BITS)).as(name + " carries no operation/object bits")
                        .isZero();
                families.forEach((prefix, range) -> {
                    if (name.startsWith(prefix)) {
                        assertThat(value & CODE_BITS).as(name).isBetween(range[0], range[1]);
                    }
                });
            }
            if (name.startsWith("WARN_")) {
                assertThat(value & RetCode.MASK_SEVERITY).as(name).isEqualTo(RetCode.MASK_WARN);
                assertThat(RetCode.isError(value)).as(name).isFalse();
            }
        });
    }

    @Test
    void exactCodesClientsMatchAreDistinct() {
        Map<String, Long> failures = constants().entrySet().stream()
                .filter(e -> e.getKey().startsWith("FAIL_") || e.getKey().startsWith("WARN_"))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        assertThat(failures.values()).doesNotHaveDuplicates();
    }

    @Property(tries = 1000)
    void isErrorLooksOnlyAtTheSeverityBits(@ForAll("severities") long severity, @ForAll("lowBits") long rest) {
        assertThat(RetCode.isError(severity | rest)).isEqualTo(severity == RetCode.MASK_ERROR);
    }

    @Provide
    Arbitrary<Long> severities() {
        return Arbitraries.of(0L, RetCode.MASK_INFO, RetCode.MASK_WARN, RetCode.MASK_ERROR);
    }

    @Provide
    Arbitrary<Long> lowBits() {
        return Arbitraries.longs().map(bits -> bits & ~RetCode.MASK_SEVERITY);
    }

    @Property(tries = 500)
    void composedCodesDecomposeAgain(@ForAll("operations") long operation, @ForAll("objects") long object,
                                     @ForAll("codes") long code) {
        long composed = RetCode.MASK_ERROR | operation | object | code;
        assertThat(composed & OPERATION_BITS).isEqualTo(operation);
        assertThat(composed & OBJECT_BITS).isEqualTo(object);
        assertThat(composed & RetCode.MASK_CODE).isEqualTo(code);
        assertThat(RetCode.isError(composed)).isTrue();
    }

    @Provide
    Arbitrary<Long> operations() {
        return Arbitraries.of(0L, RetCode.MASK_CRT, RetCode.MASK_MOD, RetCode.MASK_DEL);
    }

    @Provide
    Arbitrary<Long> objects() {
        return Arbitraries.of(Arrays.asList(RetCode.MASK_NODE, RetCode.MASK_RSC_DFN, RetCode.MASK_RSC,
                RetCode.MASK_VLM_DFN, RetCode.MASK_VLM, RetCode.MASK_NET_IF, RetCode.MASK_STOR_POOL_DFN,
                RetCode.MASK_STOR_POOL, RetCode.MASK_CTRL_CONF, RetCode.MASK_SNAPSHOT, RetCode.MASK_RSC_GRP,
                RetCode.MASK_VLM_GRP, RetCode.MASK_KVS));
    }

    @Provide
    Arbitrary<Long> codes() {
        return Arbitraries.longs().between(0, CODE_BITS);
    }
}
