package io.tandem.link;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** The challenge–response proofs of the package documentation. */
class LinkProofTest {
    private static final String SECRET = "cluster-secret";
    private final String controllerNonce = LinkProof.newNonce();
    private final String satelliteNonce = LinkProof.newNonce();

    @Test
    void theProofIsHmacSha256OverRoleAndBothNonces() {
        // computed independently: python3 hmac.new(b"cluster-secret", b"satellite\0cn\0sn", sha256), base64
        assertThat(LinkProof.prove(SECRET, LinkProof.ROLE_SATELLITE, "cn", "sn"))
                .isEqualTo("/+FdHgHUl1kbyLFg9a4wzer3fmXoeGPn7AF9etMo9ic=");
        assertThat(LinkProof.prove(SECRET, LinkProof.ROLE_CONTROLLER, "cn", "sn"))
                .isEqualTo("B6z1zKn7iu8IBQdUuY9zDjXaZLjwfIfVzRNW1ST43Rc=");
    }

    @Test
    void aProofVerifiesWithTheSameSecretRoleAndNonces() {
        String proof = LinkProof.prove(SECRET, LinkProof.ROLE_SATELLITE, controllerNonce, satelliteNonce);
        assertThat(LinkProof.verify(SECRET, LinkProof.ROLE_SATELLITE, controllerNonce, satelliteNonce, proof)).isTrue();
    }

    @Test
    void aProofDoesNotVerifyWithAnotherSecret() {
        String proof = LinkProof.prove(SECRET, LinkProof.ROLE_SATELLITE, controllerNonce, satelliteNonce);
        assertThat(LinkProof.verify("other-secret", LinkProof.ROLE_SATELLITE, controllerNonce, satelliteNonce, proof))
                .isFalse();
        assertThat(LinkProof.verify(SECRET + " ", LinkProof.ROLE_SATELLITE, controllerNonce, satelliteNonce, proof))
                .isFalse();
    }

    @Test
    void aProofIsBoundToBothNonces() {
        String proof = LinkProof.prove(SECRET, LinkProof.ROLE_CONTROLLER, controllerNonce, satelliteNonce);
        String fresh = LinkProof.newNonce();
        assertThat(LinkProof.verify(SECRET, LinkProof.ROLE_CONTROLLER, fresh, satelliteNonce, proof)).isFalse();
        assertThat(LinkProof.verify(SECRET, LinkProof.ROLE_CONTROLLER, controllerNonce, fresh, proof)).isFalse();
        assertThat(LinkProof.verify(SECRET, LinkProof.ROLE_CONTROLLER, satelliteNonce, controllerNonce, proof))
                .as("nonces swapped").isFalse();
    }

    @Test
    void theNonceBoundaryIsUnambiguous() {
        // "ab" + "c" must not prove "a" + "bc"
        String proof = LinkProof.prove(SECRET, LinkProof.ROLE_CONTROLLER, "ab", "c");
        assertThat(LinkProof.verify(SECRET, LinkProof.ROLE_CONTROLLER, "a", "bc", proof)).isFalse();
    }

    @Test
    void aSatelliteProofIsNotAcceptedAsAControllerProof() {
        // reflection: a fake controller must not pass the satellite's own proof back to it as a Login
        String satelliteProof = LinkProof.prove(SECRET, LinkProof.ROLE_SATELLITE, controllerNonce, satelliteNonce);
        assertThat(LinkProof.verify(SECRET, LinkProof.ROLE_CONTROLLER, controllerNonce, satelliteNonce, satelliteProof))
                .isFalse();
        String controllerProof = LinkProof.prove(SECRET, LinkProof.ROLE_CONTROLLER, controllerNonce, satelliteNonce);
        assertThat(LinkProof.verify(SECRET, LinkProof.ROLE_SATELLITE, controllerNonce, satelliteNonce, controllerProof))
                .isFalse();
        assertThat(satelliteProof).isNotEqualTo(controllerProof);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"garbage", "=", "Zm9v", "ü✗🔑", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="})
    void garbageIsNeverAProof(String proof) {
        assertThat(LinkProof.verify(SECRET, LinkProof.ROLE_CONTROLLER, controllerNonce, satelliteNonce, proof))
                .isFalse();
    }

    @Test
    void aProofAlteredInOneCharacterOrTruncatedIsRejected() {
        String proof = LinkProof.prove(SECRET, LinkProof.ROLE_CONTROLLER, controllerNonce, satelliteNonce);
        char first = proof.charAt(0);
        String altered = (first == 'A' ? 'B' : 'A') + proof.substring(1);
        assertThat(LinkProof.verify(SECRET, LinkProof.ROLE_CONTROLLER, controllerNonce, satelliteNonce, altered))
                .isFalse();
        assertThat(LinkProof.verify(SECRET, LinkProof.ROLE_CONTROLLER, controllerNonce, satelliteNonce,
                proof.substring(0, proof.length() - 1))).isFalse();
        assertThat(LinkProof.verify(SECRET, LinkProof.ROLE_CONTROLLER, controllerNonce, satelliteNonce, proof + "="))
                .isFalse();
    }

    @Test
    void missingNoncesNeverVerify() {
        String proof = LinkProof.prove(SECRET, LinkProof.ROLE_CONTROLLER, controllerNonce, satelliteNonce);
        assertThat(LinkProof.verify(SECRET, LinkProof.ROLE_CONTROLLER, null, satelliteNonce, proof)).isFalse();
        assertThat(LinkProof.verify(SECRET, LinkProof.ROLE_CONTROLLER, controllerNonce, null, proof)).isFalse();
    }

    @Test
    void noncesAreRandom32ByteValues() {
        Set<String> nonces = new HashSet<>();
        IntStream.range(0, 10_000).forEach(i -> nonces.add(LinkProof.newNonce()));
        assertThat(nonces).hasSize(10_000);
        assertThat(nonces).allSatisfy(nonce -> assertThat(Base64.getDecoder().decode(nonce)).hasSize(32));
        // each bit position is set in about half of the nonces (a constant or counter would not be)
        int[] setBits = new int[256];
        nonces.forEach(nonce -> {
            byte[] bytes = Base64.getDecoder().decode(nonce);
            for (int bit = 0; bit < 256; bit++) {
                setBits[bit] += (bytes[bit / 8] >> (bit % 8)) & 1;
            }
        });
        assertThat(Arrays.stream(setBits).boxed().toList())
                .allSatisfy(count -> assertThat(count).isBetween(4_500, 5_500));
    }

    @Test
    void newSecretsAreRandomAndUrlSafe() {
        Set<String> secrets = new HashSet<>();
        IntStream.range(0, 1_000).forEach(i -> secrets.add(LinkProof.newSecret()));
        assertThat(secrets).hasSize(1_000)
                .allSatisfy(secret -> assertThat(secret).matches("[A-Za-z0-9_-]{43}"));
    }
}
