package dev.switchboard.routing.notify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.events.AlertComparison;
import dev.switchboard.events.AlertEvent;
import dev.switchboard.events.AlertMetric;
import dev.switchboard.events.AlertState;
import dev.switchboard.events.AllocationState;
import dev.switchboard.events.ArmAllocation;
import dev.switchboard.events.ChannelKind;
import dev.switchboard.events.ExperimentAllocation;
import dev.switchboard.events.ExperimentOutcome;
import dev.switchboard.events.ExperimentVerdict;
import dev.switchboard.events.NotificationKind;
import dev.switchboard.events.Rollout;
import dev.switchboard.events.RolloutAction;
import dev.switchboard.events.RolloutDecision;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NotificationsTest {

    private static final Instant AT = Instant.parse("2026-12-06T10:00:00Z");

    @Test
    void shouldSignTheTimestampAndBodyAsAnyHmacSha256Library() {
        // python3: hmac.new(b'whsec', b'1700000000.{"id":"e1"}', hashlib.sha256).hexdigest()
        assertThat(WebhookSignature.sign("whsec", 1_700_000_000L, "{\"id\":\"e1\"}"))
            .isEqualTo("sha256=7e6859a1a93752955693040d16abace18dbb53d905b914ceaf32e06b3b43bdf0");
        assertThat(WebhookSignature.verify("whsec", 1_700_000_000L, "{\"id\":\"e1\"}",
            "sha256=7e6859a1a93752955693040d16abace18dbb53d905b914ceaf32e06b3b43bdf0")).isTrue();
        assertThat(WebhookSignature.verify("whsec", 1_700_000_001L, "{\"id\":\"e1\"}",
            "sha256=7e6859a1a93752955693040d16abace18dbb53d905b914ceaf32e06b3b43bdf0")).as("replayed later").isFalse();
        assertThat(WebhookSignature.verify("whsec", 1_700_000_000L, "{\"id\":\"e1\"}", null)).isFalse();
    }

    @Test
    void shouldDoubleTheWaitUpToItsMaximum() {
        final Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));

        assertThat(List.of(1, 2, 3, 5, 6, 40).stream().map(backoff::after)).containsExactly(Duration.ofSeconds(1),
            Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(16), Duration.ofSeconds(30),
            Duration.ofSeconds(30));
    }

    @Test
    void shouldTellAnAlertWithItsFiguresAndTheIdToDeduplicateBy() {
        final Notification notification = Notification.of(AlertEvent.newBuilder().setEventId("e-1").setRuleId("slow")
            .setCategory("LLM").setProvider("OllamaLLM").setVersion("v2").setState(AlertState.RESOLVED)
            .setMetric(AlertMetric.P95_LATENCY_MS).setComparison(AlertComparison.ABOVE).setThreshold(500)
            .setValue(Double.NaN).setSamples(0).setWindowStart(AT.minusSeconds(120)).setWindowEnd(AT)
            .setConditionSince(AT.minusSeconds(60)).setFiredAt(AT.minusSeconds(300)).setEventTime(AT)
            .setReason("0 requests in the window").build());

        assertThat(notification.id()).isEqualTo("e-1");
        assertThat(notification.kind()).isEqualTo(NotificationKind.ALERTS);
        assertThat(notification.provider()).isEqualTo("LLM/OllamaLLM");
        assertThat(notification.title()).isEqualTo("RESOLVED: slow on LLM/OllamaLLM/v2");
        assertThat(notification.event()).containsEntry("value", null).containsEntry("metric", "p95_latency_ms")
            .containsEntry("fired_at", "2026-12-06T09:55:00Z");
        assertThat(ChannelPayloads.of(ChannelKind.WEBHOOK, notification)).containsEntry("id", "e-1")
            .containsEntry("kind", "alerts");
    }

    @Test
    void shouldTellAnExperimentsNewVerdictWithWhatItWas() {
        final Notification notification = Notification.of(ExperimentVerdict.newBuilder().setEventId("v-1")
            .setExperiment("tone").setCategory("LLM").setProvider("OllamaLLM").setCandidate("model_b")
            .setControl("model_a").setVerdict(ExperimentOutcome.CANDIDATE_WORSE).setPrevious(null)
            .setMetric("success_rate").setTest("two_proportion_z").setDifference(-0.1).setPValue(1e-9)
            .setCandidateSamples(1_040).setControlSamples(1_040).setDecidedAt(AT).build());

        assertThat(notification.kind()).isEqualTo(NotificationKind.EXPERIMENT_VERDICTS);
        assertThat(notification.title()).isEqualTo("Experiment tone: model_b candidate worse than model_a");
        assertThat(notification.text()).contains("success_rate").contains("-0.1000").contains("not judged yet");
        assertThat(notification.event()).containsEntry("verdict", "candidate_worse").containsEntry("previous", null);
    }

    @Test
    void shouldTellAnAdaptiveSearchsWinnerButNotTheDecisionsThatOnlyReshareTraffic() {
        final ExperimentAllocation exploring = ExperimentAllocation.newBuilder().setEventId("a-4")
            .setExperiment("search").setCategory("LLM").setProvider("OllamaLLM").setSequence(4).setPeriod(4)
            .setOutcomesSeen(460).setLateOutcomes(0).setState(AllocationState.EXPLORING)
            .setReason("exploring: 3 arms still in the search").setMetric("success_rate").setConfidence(0.95)
            .setArms(List.of(new ArmAllocation("model_a", "v1", 147L, 0.898, 0.80, 0.99, 0.0, 0.3, null),
                new ArmAllocation("model_c", "v3", 143L, 0.979, 0.93, 1.0, 1.0, 0.5, null)))
            .setLayout(List.of()).setDecidedAt(AT).build();
        final ExperimentAllocation found = ExperimentAllocation.newBuilder(exploring).setEventId("a-6").setSequence(6)
            .setState(AllocationState.BEST_FOUND).setWinner("model_c").setOutcomesSeen(841)
            .setReason("model_c is the best arm with confidence 0.95: every other arm was eliminated").build();

        assertThat(Notification.of(exploring)).as("a re-share is not news").isEmpty();
        final Notification notification = Notification.of(found).orElseThrow();
        assertThat(notification.kind()).isEqualTo(NotificationKind.EXPERIMENT_VERDICTS);
        assertThat(notification.id()).isEqualTo("a-6");
        assertThat(notification.title()).isEqualTo("Experiment search: model_c is the best");
        assertThat(notification.text()).isEqualTo("model_c is the best arm with confidence 0.95: every other arm was "
            + "eliminated (decision 6, 841 outcomes)");
        assertThat(notification.event()).containsEntry("state", "best_found").containsEntry("winner", "model_c")
            .containsKey("arms");
    }

    @Test
    void shouldTellHoldsApartFromDecisionsThatChangeARollout() {
        final Rollout plan = Rollout.newBuilder().setId("r-1").setCategory("LLM").setProvider("OllamaLLM")
            .setBaseline("v2").setCandidate("v3").setSteps(List.of()).setGates(List.of())
            .setOnFailure(dev.switchboard.events.RolloutFailureAction.ROLL_BACK).setSalt("s")
            .setDeclaredIn(dev.switchboard.events.RolloutSource.API).setCreatedBy("ops")
            .setCreatedAt(AT).build();
        final RolloutDecision.Builder decision = RolloutDecision.newBuilder().setDecisionId("d-1").setRolloutId("r-1")
            .setRevision(2).setStep(1).setReason("error_rate gate failed").setDecidedBy("judge").setDecidedAt(AT);

        final Notification rolledBack = Notification.of(decision.setAction(RolloutAction.ROLL_BACK).build(), plan)
            .orElseThrow();
        assertThat(rolledBack.kind()).isEqualTo(NotificationKind.ROLLOUT_DECISIONS);
        assertThat(rolledBack.title()).isEqualTo("ROLL_BACK: rollout r-1 (LLM/OllamaLLM: v3 against v2) at step 2");
        assertThat(Notification.of(decision.setAction(RolloutAction.HOLD).build(), plan).orElseThrow().kind())
            .isEqualTo(NotificationKind.ROLLOUT_HOLDS);
        assertThat(Notification.of(decision.setAction(RolloutAction.UNKNOWN).build(), plan)).isEmpty();

        final Channel rollouts = new Channel("c", ChannelKind.SLACK, URI.create("https://hooks.example/T/B/X"), null,
            Set.of(NotificationKind.ROLLOUT_DECISIONS), Set.of("LLM/OllamaLLM"), AT);
        assertThat(rollouts.wants(rolledBack)).isTrue();
        assertThat(rollouts.toString()).doesNotContain("hooks.example");
        @SuppressWarnings("unchecked")
        final List<Map<String, Object>> blocks = (List<Map<String, Object>>) ChannelPayloads.of(ChannelKind.SLACK,
            rolledBack).get("blocks");
        assertThat(blocks).hasSize(2);
    }
}
