package dev.switchboard.routing.shadow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.common.testing.MutableClock;
import dev.switchboard.events.OutcomeStatus;
import dev.switchboard.events.RequestOutcome;
import dev.switchboard.events.SelectionReason;
import dev.switchboard.events.ShadowComparison;
import dev.switchboard.routing.outcome.Attempt;
import dev.switchboard.routing.outcome.OutcomeRecorder;
import dev.switchboard.routing.table.Provider;
import dev.switchboard.routing.table.ProviderPolicy;
import dev.switchboard.routing.table.ShadowMirror;
import dev.switchboard.routing.table.VersionConfig;
import dev.switchboard.schemas.VersionKey;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ShadowMirroringTest {

    private final MutableClock clock = new MutableClock();
    private final List<RequestOutcome> outcomes = new CopyOnWriteArrayList<>();
    private final List<ShadowComparison> comparisons = new CopyOnWriteArrayList<>();
    private final OutcomeRecorder recorder = new OutcomeRecorder() {
        @Override
        public void record(final RequestOutcome outcome) {
            outcomes.add(outcome);
        }

        @Override
        public void recordComparison(final ShadowComparison comparison) {
            comparisons.add(comparison);
        }
    };
    private final List<Attempt> called = new ArrayList<>();
    private double draw = 0;
    private ShadowMirroring mirroring = mirroring(2);

    @AfterEach
    void close() {
        mirroring.close();
    }

    @Test
    void shouldMirrorAServedRequestToTheCandidateAndCompareTheAnswers() {
        mirroring.afterServed(provider(50), baseline("v1", SelectionReason.WEIGHT, OutcomeStatus.SUCCESS),
            bytes("the same words"), answering(200, "the same words"));

        await().atMost(Duration.ofSeconds(5)).until(() -> comparisons.size() == 1);
        assertThat(outcomes).singleElement().satisfies(outcome -> {
            assertThat(outcome.getVersion()).isEqualTo("v2");
            assertThat(outcome.getShadow()).isTrue();
            assertThat(outcome.getStatus()).isEqualTo(OutcomeStatus.SUCCESS);
        });
        assertThat(comparisons.get(0).getBaselineVersion()).isEqualTo("v1");
        assertThat(comparisons.get(0).getCandidateVersion()).isEqualTo("v2");
        assertThat(comparisons.get(0).getSimilarity()).isEqualTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(mirroring.started()).isEqualTo(1);
    }

    @Test
    void shouldMirrorOnlyTheConfiguredShare() {
        draw = 60; // above the 50% share
        mirroring.afterServed(provider(50), baseline("v1", SelectionReason.WEIGHT, OutcomeStatus.SUCCESS),
            bytes("x"), answering(200, "x"));

        assertThat(called).isEmpty();
    }

    @Test
    void shouldNotMirrorAFailedAPinnedOrTheCandidatesOwnRequest() {
        final Provider provider = provider(100);

        mirroring.afterServed(provider, baseline("v1", SelectionReason.WEIGHT, OutcomeStatus.UPSTREAM_ERROR),
            null, answering(200, "x"));
        mirroring.afterServed(provider, baseline("v1", SelectionReason.PINNED, OutcomeStatus.SUCCESS),
            bytes("x"), answering(200, "x"));
        mirroring.afterServed(provider, baseline("v2", SelectionReason.WEIGHT, OutcomeStatus.SUCCESS),
            bytes("x"), answering(200, "x"));

        assertThat(called).isEmpty();
    }

    @Test
    void shouldSkipAndCountRequestsBeyondTheShadowCallsInFlight() {
        mirroring.close();
        mirroring = mirroring(1);
        final ShadowMirroring.Upstream hanging = (attempt, done) -> called.add(attempt); // never answers

        mirroring.afterServed(provider(100), baseline("v1", SelectionReason.WEIGHT, OutcomeStatus.SUCCESS),
            bytes("x"), hanging);
        mirroring.afterServed(provider(100), baseline("v1", SelectionReason.WEIGHT, OutcomeStatus.SUCCESS),
            bytes("x"), hanging);

        assertThat(called).hasSize(1);
        assertThat(mirroring.started()).isEqualTo(1);
        assertThat(mirroring.skipped()).isEqualTo(1);
    }

    @Test
    void shouldRecordACandidateThatCouldNotBeReachedAsItsFailure() {
        mirroring.afterServed(provider(100), baseline("v1", SelectionReason.WEIGHT, OutcomeStatus.SUCCESS),
            bytes("x"), (attempt, done) -> {
                attempt.failed(OutcomeStatus.TIMEOUT, "timeout");
                done.accept(null);
            });

        await().atMost(Duration.ofSeconds(5)).until(() -> comparisons.size() == 1);
        assertThat(comparisons.get(0).getCandidateStatus()).isEqualTo(OutcomeStatus.TIMEOUT);
        assertThat(comparisons.get(0).getSimilarity()).isNull();
    }

    private ShadowMirroring mirroring(final int maxInFlight) {
        return new ShadowMirroring(new ShadowMirroring.Settings(maxInFlight, clock, "router-test",
            answer -> answer == null ? null : new String(answer, StandardCharsets.UTF_8), () -> draw), recorder);
    }

    private ShadowMirroring.Upstream answering(final int status, final String text) {
        return (attempt, done) -> {
            called.add(attempt);
            attempt.answered(status);
            done.accept(bytes(text));
        };
    }

    private static Provider provider(final double percentage) {
        return new Provider("LLM", "OllamaLLM", ProviderPolicy.of("weight")
            .withShadow(Optional.of(new ShadowMirror("v2", percentage))), List.of(version("v1"), version("v2")));
    }

    private static VersionConfig version(final String version) {
        return VersionConfig.of(new VersionKey("LLM", "OllamaLLM", version), "openai", "m",
            URI.create("http://127.0.0.1:1"), version.equals("v1") ? 100 : 0, true, version.equals("v1"), Map.of());
    }

    private RequestOutcome baseline(final String version, final SelectionReason reason, final OutcomeStatus status) {
        return RequestOutcome.newBuilder().setRequestId("req-1").setEventTime(clock.instant()).setCategory("LLM")
            .setName("OllamaLLM").setVersion(version).setModelName("m").setSelectionReason(reason).setStatus(status)
            .setHttpStatus(200).setLatencyMs(10).setStreamed(false).setAttempt(1).setRouterInstance("router-test")
            .build();
    }

    private static byte[] bytes(final String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
