package dev.switchboard.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.common.testing.FreePorts;
import dev.switchboard.common.testing.TestTopics;
import dev.switchboard.common.testing.WebhookReceiver;
import dev.switchboard.events.AlertComparison;
import dev.switchboard.events.AlertEvent;
import dev.switchboard.events.AlertMetric;
import dev.switchboard.events.AlertState;
import dev.switchboard.events.AllocationState;
import dev.switchboard.events.ExperimentAllocation;
import dev.switchboard.events.ExperimentOutcome;
import dev.switchboard.events.ExperimentVerdict;
import dev.switchboard.events.RolloutAction;
import dev.switchboard.events.RolloutDecision;
import dev.switchboard.routing.notify.WebhookSignature;
import dev.switchboard.schemas.EventSerdes;
import dev.switchboard.schemas.Topics;
import dev.switchboard.simulator.Knobs;
import dev.switchboard.simulator.SimulatedProvider;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The notifier on a real broker: channels made through the admin API, alert events and rollout decisions on their
 * topics (as stats-streams writes them), delivered to a real HTTP receiver, signed, again after the receiver was down,
 * and counted; the channel's secret never answered or audited.
 */
class AlertingIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String ADMIN = "alerting-admin";
    private static final String SECRET = "whsec-alerting-it";

    private static SimulatedProvider upstream;
    private static TestRouter router;
    private static KafkaProducer<String, byte[]> producer;

    @BeforeAll
    static void start() throws Exception {
        final String brokers = System.getProperty("spring.embedded.kafka.brokers");
        TestTopics.createAll(brokers);
        upstream = SimulatedProvider.start("alerting", "127.0.0.1", 0, new Knobs(0, 0, 0, 500, false, 3, 0));
        router = TestRouter.start("alerting", ADMIN,
            "--switchboard.routing.notifications.first-retry=200ms", "--switchboard.routing.notifications.max-retry=1s");
        assertThat(call("POST", "/api/system-configs/provider", """
            {"category": "LLM", "name": "AlertLLM", "version": "a1", "type": "openai", "model_name": "m",
             "url": "http://127.0.0.1:%d", "weight": 100, "is_active": true, "is_default": true}
            """.formatted(upstream.port())).statusCode()).isEqualTo(201);
        // The rule the alert events below come from (stats-streams, which would evaluate it, is not running here).
        assertThat(call("POST", "/api/alerts/rules", """
            {"rule_id": "slow", "provider": "LLM/AlertLLM", "version": "a1", "metric": "p95_latency_ms",
             "comparison": "above", "threshold": 500}
            """).statusCode()).isEqualTo(201);
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers),
            new StringSerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void stop() {
        producer.close();
        router.close();
        upstream.close();
    }

    @Test
    void shouldDeliverEveryEventSignedOnceTheReceiverIsBackAndNeverShowTheSecret() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver(FreePorts.any())) {
            final HttpResponse<String> created = call("POST", "/api/alerts/channels", """
                {"channel_id": "team-hook", "kind": "webhook", "url": "%s", "secret": "%s",
                 "subscriptions": ["alerts", "rollout_decisions", "experiment_verdicts"],
                 "providers": ["LLM/AlertLLM"]}
                """.formatted(receiver.url("/hook"), SECRET));
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            assertThat(created.body()).doesNotContain(SECRET).contains("\"secret_set\":true");

            final AlertEvent firing = alert(AlertState.FIRING);
            final AlertEvent otherProvider = AlertEvent.newBuilder(alert(AlertState.FIRING)).setProvider("OtherLLM")
                .setEventId(UUID.randomUUID().toString()).build();
            final RolloutDecision rolledBack = RolloutDecision.newBuilder().setDecisionId(UUID.randomUUID().toString())
                .setRolloutId("no-such-plan").setRevision(3).setStep(1).setAction(RolloutAction.ROLL_BACK)
                .setReason("error_rate gate failed").setDecidedBy("canary-judge@test").setDecidedAt(Instant.now())
                .build();
            send(Topics.ALERTS, "slow|LLM/AlertLLM/a1", EventSerdes.alertEvent().serialize(Topics.ALERTS, firing));
            send(Topics.ALERTS, "slow|LLM/OtherLLM/a1",
                EventSerdes.alertEvent().serialize(Topics.ALERTS, otherProvider));
            send(Topics.ROLLOUT_DECISIONS, rolledBack.getRolloutId(),
                EventSerdes.rolloutDecision().serialize(Topics.ROLLOUT_DECISIONS, rolledBack));
            final ExperimentVerdict verdict = ExperimentVerdict.newBuilder().setEventId(UUID.randomUUID().toString())
                .setExperiment("tone").setCategory("LLM").setProvider("AlertLLM").setCandidate("model_b")
                .setControl("model_a").setVerdict(ExperimentOutcome.CANDIDATE_BETTER).setMetric("success_rate")
                .setTest("two_proportion_z").setDifference(0.05).setPValue(0.001).setCandidateSamples(900)
                .setControlSamples(910).setDecidedAt(Instant.now()).build();
            send(Topics.EXPERIMENT_VERDICTS, "tone",
                EventSerdes.experimentVerdict().serialize(Topics.EXPERIMENT_VERDICTS, verdict));
            final ExperimentAllocation reshared = ExperimentAllocation.newBuilder()
                .setEventId(UUID.randomUUID().toString()).setExperiment("search").setCategory("LLM")
                .setProvider("AlertLLM").setSequence(3).setPeriod(3).setOutcomesSeen(300).setLateOutcomes(0)
                .setState(AllocationState.EXPLORING).setReason("exploring: 2 arms still in the search")
                .setMetric("success_rate").setConfidence(0.95).setArms(List.of()).setLayout(List.of())
                .setDecidedAt(Instant.now()).build();
            final ExperimentAllocation found = ExperimentAllocation.newBuilder(reshared)
                .setEventId(UUID.randomUUID().toString()).setSequence(4).setState(AllocationState.BEST_FOUND)
                .setWinner("model_b").setReason("model_b is the best arm with confidence 0.95").build();
            for (final ExperimentAllocation decision : List.of(reshared, found)) {
                send(Topics.EXPERIMENT_ALLOCATIONS, "search",
                    EventSerdes.experimentAllocation().serialize(Topics.EXPERIMENT_ALLOCATIONS, decision));
            }

            // The receiver is down: the channel fails, backs off, and tries again.
            await().atMost(Duration.ofSeconds(30)).until(() -> counted("team-hook", null, "failed") >= 2);
            receiver.start();

            await().atMost(Duration.ofSeconds(30)).until(() -> receiver.received().stream()
                .anyMatch(r -> r.body().contains(firing.getEventId())));
            final WebhookReceiver.Received alert = receiver.received().stream()
                .filter(r -> r.body().contains(firing.getEventId())).findFirst().orElseThrow();
            final long timestamp = Long.parseLong(alert.headers().first(WebhookSignature.TIMESTAMP_HEADER).orElseThrow());
            assertThat(WebhookSignature.verify(SECRET, timestamp, alert.body(),
                alert.headers().first(WebhookSignature.SIGNATURE_HEADER).orElseThrow())).isTrue();
            assertThat(WebhookSignature.verify("another-secret", timestamp, alert.body(),
                alert.headers().first(WebhookSignature.SIGNATURE_HEADER).orElseThrow())).isFalse();
            final JsonNode body = JSON.readTree(alert.body());
            assertThat(body.path("id").asString()).isEqualTo(firing.getEventId());
            assertThat(body.path("kind").asString()).isEqualTo("alerts");
            assertThat(body.path("event").path("state").asString()).isEqualTo("firing");
            assertThat(body.path("event").path("value").asDouble()).isEqualTo(812.0);
            assertThat(body.path("title").asString()).contains("FIRING").contains("LLM/AlertLLM/a1");
            assertThat(counted("team-hook", null, "retried")).isGreaterThanOrEqualTo(1);
            await().atMost(Duration.ofSeconds(30)).until(() -> receiver.received().stream()
                .anyMatch(r -> r.body().contains(verdict.getEventId())));
            await().atMost(Duration.ofSeconds(30)).until(() -> receiver.received().stream()
                .anyMatch(r -> r.body().contains(found.getEventId())));
            assertThat(receiver.received()).as("a decision that only re-shares traffic is not news")
                .noneMatch(r -> r.body().contains(reshared.getEventId()));
            assertThat(counted("team-hook", "experiment_verdicts", "sent")).isEqualTo(2);
            // The decision names a rollout this router does not know: no provider, so a channel that follows
            // LLM/AlertLLM only does not get it; the other provider's alert is filtered out too.
            assertThat(receiver.received()).extracting(WebhookReceiver.Received::path).containsOnly("/hook");
            assertThat(receiver.received()).noneMatch(r -> r.body().contains(otherProvider.getEventId()));

            final String channels = call("GET", "/api/alerts/channels", null).body()
                + call("GET", "/api/audit?subject=alerts/channels/team-hook", null).body();
            assertThat(channels).contains("team-hook").doesNotContain(SECRET);
            assertThat(call("GET", "/api/alerts?state=firing", null).body()).contains(firing.getEventId());

            // A rule deleted while firing leaves its last FIRING on the compacted topic; it is not shown.
            final AlertEvent orphan = AlertEvent.newBuilder(alert(AlertState.FIRING)).setRuleId("deleted-rule")
                .setEventId(UUID.randomUUID().toString()).build();
            send(Topics.ALERTS, "deleted-rule|LLM/AlertLLM/a1", EventSerdes.alertEvent().serialize(Topics.ALERTS, orphan));
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().stream()
                .anyMatch(r -> r.body().contains(orphan.getEventId())));
            assertThat(call("GET", "/api/alerts", null).body()).contains(firing.getEventId())
                .doesNotContain(orphan.getEventId());
        }
    }

    @Test
    void shouldSendRolloutDecisionsToASlackChannelAsSlackPayloads() throws Exception {
        try (WebhookReceiver slack = new WebhookReceiver(FreePorts.any()).start()) {
            final HttpResponse<String> created = call("POST", "/api/alerts/channels", """
                {"channel_id": "team-slack", "kind": "slack", "url": "%s",
                 "subscriptions": ["rollout_decisions"]}
                """.formatted(slack.url("/services/T000/B000/XXXXSECRET")));
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            assertThat(created.body()).doesNotContain("XXXXSECRET").contains("********");

            final RolloutDecision paused = RolloutDecision.newBuilder().setDecisionId(UUID.randomUUID().toString())
                .setRolloutId("slack-plan").setRevision(1).setStep(0).setAction(RolloutAction.PAUSE)
                .setReason("paused by an operator").setDecidedBy("ops").setDecidedAt(Instant.now()).build();
            send(Topics.ROLLOUT_DECISIONS, paused.getRolloutId(),
                EventSerdes.rolloutDecision().serialize(Topics.ROLLOUT_DECISIONS, paused));

            await().atMost(Duration.ofSeconds(30)).until(() -> slack.received().stream()
                .anyMatch(r -> r.body().contains(paused.getDecisionId())));
            final JsonNode body = JSON.readTree(slack.received().stream()
                .filter(r -> r.body().contains(paused.getDecisionId())).findFirst().orElseThrow().body());
            assertThat(body.path("text").asString()).startsWith("PAUSE: rollout slack-plan");
            assertThat(body.path("blocks").isArray()).isTrue();
            assertThat(slack.received()).allMatch(r -> r.headers().first(WebhookSignature.SIGNATURE_HEADER).isEmpty());
            assertThat(call("DELETE", "/api/alerts/channels/team-slack", null).statusCode()).isEqualTo(204);
        }
    }

    @Test
    void shouldRefuseARuleOrChannelThatCannotWorkWithTheReason() throws Exception {
        final List<String[]> refused = List.of(
            new String[] {"/api/alerts/rules", "{\"provider\": \"LLM/AlertLLM\", \"metric\": \"p42\", \"comparison\": "
                + "\"above\", \"threshold\": 1}", "'metric' must be one of error_rate, success_rate"},
            new String[] {"/api/alerts/rules", "{\"provider\": \"LLM/AlertLLM\", \"metric\": \"success_rate\", "
                + "\"comparison\": \"below\", \"threshold\": 95}", "is a fraction 0-1"},
            new String[] {"/api/alerts/rules", "{\"provider\": \"LLM/AlertLLM\", \"metric\": \"error_rate\", "
                + "\"comparison\": \"above\", \"threshold\": 0.1, \"window_seconds\": 90}", "whole minutes"},
            new String[] {"/api/alerts/rules", "{\"provider\": \"LLM/NoSuch\", \"metric\": \"error_rate\", "
                + "\"comparison\": \"above\", \"threshold\": 0.1}", "'provider' must name a configured provider"},
            new String[] {"/api/alerts/channels", "{\"kind\": \"webhook\", \"url\": \"ftp://x\"}",
                "'url' must be an absolute http or https URL"},
            new String[] {"/api/alerts/channels", "{\"kind\": \"slack\", \"url\": \"https://hooks.example\", "
                + "\"secret\": \"x\"}", "'secret' signs webhook channels"});
        for (final String[] request : refused) {
            final HttpResponse<String> answer = call("POST", request[0], request[1]);
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
            assertThat(JSON.readTree(answer.body()).path("detail").asString()).contains(request[2]);
        }
        assertThat(call("GET", "/api/alerts/rules/none", null).statusCode()).isEqualTo(404);
    }

    private static AlertEvent alert(final AlertState state) {
        final Instant now = Instant.now();
        return AlertEvent.newBuilder().setEventId(UUID.randomUUID().toString()).setRuleId("slow")
            .setCategory("LLM").setProvider("AlertLLM").setVersion("a1").setState(state)
            .setMetric(AlertMetric.P95_LATENCY_MS).setComparison(AlertComparison.ABOVE).setThreshold(500)
            .setValue(812).setSamples(40).setWindowStart(now.minusSeconds(120)).setWindowEnd(now)
            .setConditionSince(now.minusSeconds(60)).setFiredAt(now).setEventTime(now)
            .setReason("p95_latency_ms 812.0 above 500.0 over 40 requests").build();
    }

    private static void send(final String topic, final String key, final byte[] value) throws Exception {
        producer.send(new ProducerRecord<>(topic, key, value)).get();
    }

    /** @param kind null for every kind */
    private static double counted(final String channel, final String kind, final String outcome) throws Exception {
        final String scraped = call("GET", "/actuator/prometheus", null).body();
        return scraped.lines()
            .filter(line -> line.startsWith("switchboard_notifications_total{") && line.contains("channel=\"" + channel
                + "\"") && (kind == null || line.contains("kind=\"" + kind + "\""))
                && line.contains("outcome=\"" + outcome + "\""))
            .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    private static HttpResponse<String> call(final String method, final String path, final String body)
        throws Exception {
        return router.call(method, path, body);
    }
}
