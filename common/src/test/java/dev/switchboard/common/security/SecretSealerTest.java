package dev.switchboard.common.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import org.junit.jupiter.api.Test;

class SecretSealerTest {

    private final SecretSealer sealer = SecretSealer.fromConfig(Base64.getEncoder().encodeToString(new byte[32]), null);

    @Test
    void sealsSoThatTheSecretIsNotInTheSealedFormAndOpensBack() {
        final String sealed = sealer.seal("sk-very-secret", "LLM/OpenAI/v1#api_key");

        assertThat(sealed).startsWith("v1:").doesNotContain("sk-very-secret");
        assertThat(sealer.open(sealed, "LLM/OpenAI/v1#api_key")).isEqualTo("sk-very-secret");
        assertThat(sealer.seal("sk-very-secret", "LLM/OpenAI/v1#api_key")).isNotEqualTo(sealed);
    }

    @Test
    void refusesToOpenForAnotherVersionOrUnderAnotherKey() {
        final String sealed = sealer.seal("sk-very-secret", "LLM/OpenAI/v1#api_key");
        final SecretSealer other = SecretSealer.fromConfig(null, "some-admin-token");

        assertThatThrownBy(() -> sealer.open(sealed, "LLM/OpenAI/v2#api_key"))
            .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("sk-very-secret");
        assertThatThrownBy(() -> other.open(sealed, "LLM/OpenAI/v1#api_key"))
            .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesAKeyOfTheWrongLength() {
        assertThatThrownBy(() -> SecretSealer.fromConfig(Base64.getEncoder().encodeToString(new byte[16]), null))
            .hasMessageContaining("32 bytes");
    }
}
