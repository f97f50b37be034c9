package dev.switchboard.common.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AdminCredentialsTest {

    private final AdminCredentials credentials = AdminCredentials.of("shared-t0ken",
        "ops-a:operator:aaa-token, ops-b:approver:bbb:with:colons ,watcher:VIEWER:ccc");

    @Test
    void shouldNameTheOperatorAndRoleOfEachNamedToken() {
        assertThat(credentials.operator("Bearer aaa-token")).contains(new Operator("ops-a", Role.OPERATOR, false));
        assertThat(credentials.operator("bearer bbb:with:colons")).contains(new Operator("ops-b", Role.APPROVER, false));
        assertThat(credentials.operator("Bearer ccc")).contains(new Operator("watcher", Role.VIEWER, false));
    }

    @Test
    void shouldKeepTheSharedTokenAsAnAdminWithEveryRoleWhoMaySayWhoTheyAre() {
        final Operator shared = credentials.operator("Bearer shared-t0ken").orElseThrow();
        assertThat(shared).isEqualTo(new Operator("admin", Role.APPROVER, true));
        assertThat(shared.calling("alice").name()).isEqualTo("alice");
        assertThat(credentials.operator("Bearer aaa-token").orElseThrow().calling("alice").name()).isEqualTo("ops-a");
    }

    @Test
    void shouldRefuseUnknownOrMissingTokens() {
        assertThat(credentials.operator("Bearer aaa")).isEmpty();
        assertThat(credentials.operator(null)).isEmpty();
        assertThat(credentials.operator("Basic aaa-token")).isEmpty();
    }

    @Test
    void shouldSayWhatIsWrongWithAnEntry() {
        assertThatThrownBy(() -> AdminCredentials.of("", "ops-a:operator"))
            .hasMessageContaining("name:role:token");
        assertThatThrownBy(() -> AdminCredentials.of("", "ops-a:boss:t"))
            .hasMessageContaining("Unknown role 'boss'").hasMessageContaining("approver");
        assertThatThrownBy(() -> AdminCredentials.of("", "a:viewer:t,a:operator:u")).hasMessageContaining("twice");
        assertThatThrownBy(() -> AdminCredentials.of("", "a:viewer:t,b:operator:t"))
            .hasMessageContaining("already given");
        assertThatThrownBy(() -> AdminCredentials.of(" ", "")).hasMessageContaining("at least one");
    }

    @Test
    void shouldOrderRolesSoEachIncludesTheOnesBefore() {
        assertThat(Role.APPROVER.includes(Role.OPERATOR)).isTrue();
        assertThat(Role.OPERATOR.includes(Role.APPROVER)).isFalse();
        assertThat(Role.neededFor("GET")).isEqualTo(Role.VIEWER);
        assertThat(Role.neededFor("DELETE")).isEqualTo(Role.OPERATOR);
    }
}
