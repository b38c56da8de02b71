package io.tandem.controller.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.springframework.http.HttpStatus;

/**
 * What every refused input must look like (package-info of {@code rest}): a 400 whose single
 * ApiCallRc entry is an error of the expected ret_code family and says what was wrong, why, and
 * how to fix it.
 */
final class Refusals {
    /** ret_code families by their low code bits (API.md §2.9). */
    enum Family {
        INVALID(200, 299),
        /** {@code API_CALL_PARSE_ERROR}: the request could not be read as the API defines it. */
        PARSE_ERROR(RetCode.API_CALL_PARSE_ERROR & RetCode.MASK_CODE, RetCode.API_CALL_PARSE_ERROR & RetCode.MASK_CODE);

        final long lowest;
        final long highest;

        Family(long lowest, long highest) {
            this.lowest = lowest;
            this.highest = highest;
        }
    }

    private Refusals() {
    }

    /** Asserts {@code call} is refused with a 400 of {@code family}; returns the entry for more checks. */
    static ApiCallRc assertRefused(ThrowingCallable call, Family family) {
        ApiException refused = catchThrowableOfType(ApiException.class, call);
        assertThat(refused).as("expected a refusal (ApiException)").isNotNull();
        assertThat(refused.status()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(refused.entries()).hasSize(1);
        ApiCallRc entry = refused.entries().get(0);
        assertThat(RetCode.isError(entry.retCode())).as("error severity of %x", entry.retCode()).isTrue();
        assertThat(entry.retCode() & RetCode.MASK_CODE).as("code bits of %x", entry.retCode())
                .isBetween(family.lowest, family.highest);
        assertThat(entry.message()).isNotBlank();
        assertThat(entry.cause()).isNotBlank();
        assertThat(entry.correction()).isNotBlank();
        assertThat(refused.getMessage()).isEqualTo(entry.message());
        return entry;
    }

    /** Asserts {@code call} is refused with exactly {@code retCode}. */
    static ApiCallRc assertRefused(ThrowingCallable call, long retCode) {
        ApiCallRc entry = assertRefused(call, Family.INVALID);
        assertThat(entry.retCode()).isEqualTo(retCode);
        return entry;
    }

    /** True when {@code call} is refused; fails the test if it throws anything but an ApiException. */
    static boolean isRefused(ThrowingCallable call) {
        try {
            call.call();
            return false;
        } catch (ApiException refused) {
            return true;
        } catch (Throwable other) {
            throw new AssertionError("expected acceptance or an ApiException, got " + other, other);
        }
    }
}
