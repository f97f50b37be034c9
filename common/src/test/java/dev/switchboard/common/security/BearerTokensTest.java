package dev.switchboard.common.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BearerTokensTest {

    private final BearerTokens keys = BearerTokens.ofCommaSeparated("key-one, key-two", "client key");

    @Test
    void acceptsEveryConfiguredKeyWhateverTheSchemeCase() {
        assertThat(keys.accepts("Bearer key-one")).isTrue();
        assertThat(keys.accepts("bearer key-two")).isTrue();
    }

    @Test
    void refusesMissingMalformedAndUnknownTokens() {
        assertThat(keys.accepts(null)).isFalse();
        assertThat(keys.accepts("")).isFalse();
        assertThat(keys.accepts("Bearer ")).isFalse();
        assertThat(keys.accepts("Basic key-one")).isFalse();
        assertThat(keys.accepts("Bearer key-on")).isFalse();
        assertThat(keys.accepts("Bearer key-one-and-more")).isFalse();
    }

    @Test
    void refusesToStartWithNoUsableToken() {
        assertThatThrownBy(() -> BearerTokens.ofCommaSeparated(" , ", "admin token"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("admin token");
    }
}
