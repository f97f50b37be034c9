package dev.switchboard.stats.alert.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.events.AlertComparison;
import dev.switchboard.events.AlertEvent;
import dev.switchboard.events.AlertMetric;
import dev.switchboard.events.AlertRule;
import dev.switchboard.events.AlertState;
import dev.switchboard.events.HealthEvent;
import dev.switchboard.events.OutcomeStatus;
import dev.switchboard.events.RequestOutcome;
import dev.switchboard.events.SelectionReason;
import dev.switchboard.schemas.EventSerdes;
import dev.switchboard.schemas.ReleasedSchemas;
import dev.switchboard.schemas.Topics;
import dev.switchboard.stats.store.AlertProgress;
import dev.switchboard.stats.topology.TestTopology;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.avro.SchemaNormalization;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AlertTopologyTest {

    private static final Instant START = Instant.parse("2026-12-06T10:00:00Z");
    private static final Duration EVERY = TestTopology.ALERTS_EVERY;

    private TopologyTestDriver driver;
    private TestInputTopic<String, RequestOutcome> outcomes;
    private TestInputTopic<String, AlertRule> rules;
    private TestOutputTopic<String, AlertEvent> alerts;
    private Instant now = START;

    @BeforeEach
    void start() {
        final StreamsBuilder builder = new StreamsBuilder();
        TestTopology.build(builder, Clock.systemUTC());
        final Properties config = TestTopology.driverConfig("alert-test");
        driver = new TopologyTestDriver(builder.build(), config, START);
        outcomes = driver.createInputTopic(Topics.REQUEST_OUTCOMES, new StringSerializer(),
            EventSerdes.requestOutcome().serializer());
        rules = driver.createInputTopic(Topics.ALERT_RULES, new StringSerializer(), EventSerdes.alertRule().serializer());
        alerts = driver.createOutputTopic(Topics.ALERTS, new StringDeserializer(),
            EventSerdes.alertEvent().deserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void shouldFireOnlyOnceTheConditionHeldForTheHoldTimeAndResolveOnceItStoppedAsLong() {
        rules.pipeInput("slow-v2", rule("slow-v2", "v2", AlertMetric.P95_LATENCY_MS, AlertComparison.ABOVE, 500));

        traffic("v2", Duration.ofMinutes(1), 100, OutcomeStatus.SUCCESS);
        assertThat(alerts.isEmpty()).as("fast traffic fires nothing").isTrue();
        final Instant slowFrom = now;
        traffic("v2", Duration.ofSeconds(55), 900, OutcomeStatus.SUCCESS);
        assertThat(alerts.isEmpty()).as("slow for less than the hold time: pending, nobody told").isTrue();
        traffic("v2", Duration.ofSeconds(30), 900, OutcomeStatus.SUCCESS);

        final List<AlertEvent> fired = alerts.readValuesToList();
        assertThat(fired).singleElement().satisfies(event -> {
            assertThat(event.getState()).isEqualTo(AlertState.FIRING);
            assertThat(event.getRuleId()).isEqualTo("slow-v2");
            assertThat(event.getVersion()).isEqualTo("v2");
            assertThat(event.getValue()).isGreaterThan(500);
            assertThat(event.getSamples()).isGreaterThanOrEqualTo(10);
            assertThat(Duration.between(event.getConditionSince(), event.getFiredAt()))
                .isGreaterThanOrEqualTo(Duration.ofMinutes(1));
            assertThat(event.getConditionSince()).isAfterOrEqualTo(slowFrom);
            assertThat(event.getReason()).contains("p95_latency_ms").contains("above 500.0");
            assertThat(event.getReason()).matches("p95_latency_ms \\d+\\.\\d above 500\\.0 over \\d+ requests");
        });

        traffic("v2", Duration.ofMinutes(5), 100, OutcomeStatus.SUCCESS);
        final List<AlertEvent> resolved = alerts.readValuesToList();
        assertThat(resolved).singleElement().satisfies(event -> {
            assertThat(event.getState()).isEqualTo(AlertState.RESOLVED);
            assertThat(event.getFiredAt()).isEqualTo(fired.get(0).getFiredAt());
            assertThat(event.getValue()).isLessThanOrEqualTo(500);
            assertThat(event.getEventId()).isNotEqualTo(fired.get(0).getEventId());
        });
    }

    @Test
    void shouldNotFireOnOneNoisyMinute() {
        rules.pipeInput("errors", ruleBuilder("errors", null, AlertMetric.ERROR_RATE, AlertComparison.ABOVE, 0.1)
            .setHoldSeconds(180).build());

        traffic("v1", Duration.ofMinutes(1), 100, OutcomeStatus.UPSTREAM_ERROR);
        traffic("v1", Duration.ofMinutes(4), 100, OutcomeStatus.SUCCESS);

        assertThat(alerts.isEmpty()).isTrue();
    }

    @Test
    void shouldReadNothingIntoFewerRequestsThanTheMinimum() {
        rules.pipeInput("errors", ruleBuilder("errors", null, AlertMetric.ERROR_RATE, AlertComparison.ABOVE, 0.1)
            .setMinSamples(50).setHoldSeconds(0).build());

        traffic("v1", Duration.ofMinutes(3), 100, OutcomeStatus.UPSTREAM_ERROR); // 36 requests in any window

        assertThat(alerts.isEmpty()).isTrue();
    }

    @Test
    void shouldJudgeEachVersionOfAProviderOnItsOwnAndLeaveClientErrorsOut() {
        rules.pipeInput("errors", ruleBuilder("errors", null, AlertMetric.ERROR_RATE, AlertComparison.ABOVE, 0.1)
            .setHoldSeconds(0).build());

        for (int i = 0; i < 12; i++) {
            pipe("v1", 100, OutcomeStatus.UPSTREAM_ERROR);
            pipe("v3", 100, OutcomeStatus.CLIENT_ERROR);
            pipe("v3", 100, OutcomeStatus.SUCCESS);
            tick(Duration.ofSeconds(5));
        }

        assertThat(alerts.readKeyValuesToList()).singleElement().satisfies(alert -> {
            assertThat(alert.key).isEqualTo("errors|LLM/OllamaLLM/v1");
            assertThat(alert.value.getState()).isEqualTo(AlertState.FIRING);
            assertThat(alert.value.getValue()).isEqualTo(1.0);
        });
    }

    @Test
    void shouldResolveWhatARuleHadFiringWhenItIsDisabled() {
        final AlertRule.Builder errors = ruleBuilder("errors", "v1", AlertMetric.ERROR_RATE, AlertComparison.ABOVE, 0.1)
            .setHoldSeconds(0);
        rules.pipeInput("errors", errors.build());
        traffic("v1", Duration.ofMinutes(1), 100, OutcomeStatus.UPSTREAM_ERROR);
        assertThat(alerts.readValuesToList()).extracting(AlertEvent::getState).containsExactly(AlertState.FIRING);

        rules.pipeInput("errors", errors.setEnabled(false).build());
        tick(EVERY);

        assertThat(alerts.readValuesToList()).extracting(AlertEvent::getState).containsExactly(AlertState.RESOLVED);
        traffic("v1", Duration.ofMinutes(1), 100, OutcomeStatus.UPSTREAM_ERROR);
        assertThat(alerts.isEmpty()).isTrue();
    }

    @Test
    void shouldResolveAFiringRateRuleWhenTrafficStops() {
        rules.pipeInput("errors", ruleBuilder("errors", "v1", AlertMetric.ERROR_RATE, AlertComparison.ABOVE, 0.1)
            .setHoldSeconds(0).build());
        traffic("v1", Duration.ofMinutes(1), 100, OutcomeStatus.UPSTREAM_ERROR);
        assertThat(alerts.readValuesToList()).hasSize(1);

        tick(Duration.ofMinutes(3));

        assertThat(alerts.readValuesToList()).singleElement().satisfies(event -> {
            assertThat(event.getState()).isEqualTo(AlertState.RESOLVED);
            assertThat(event.getSamples()).isZero();
            assertThat(event.getValue()).isNaN();
        });
    }

    @Test
    void shouldFireWhileTheProberReportsAVersionUnhealthyForTheHoldTime() {
        final TestInputTopic<String, HealthEvent> health = driver.createInputTopic(Topics.PROVIDER_HEALTH,
            new StringSerializer(), EventSerdes.healthEvent().serializer());
        rules.pipeInput("down", ruleBuilder("down", null, AlertMetric.UNHEALTHY, AlertComparison.ABOVE, 0).build());
        health.pipeInput("LLM/OllamaLLM/v1", probe("v1", true, 100.0));
        health.pipeInput("LLM/OllamaLLM/v2", probe("v2", false, 20.0));
        tick(Duration.ofSeconds(50));
        assertThat(alerts.isEmpty()).as("unhealthy for less than the hold time").isTrue();

        tick(Duration.ofSeconds(20));
        assertThat(alerts.readKeyValuesToList()).singleElement().satisfies(alert -> {
            assertThat(alert.key).isEqualTo("down|LLM/OllamaLLM/v2");
            assertThat(alert.value.getState()).isEqualTo(AlertState.FIRING);
            assertThat(alert.value.getValue()).isEqualTo(1.0);
            assertThat(alert.value.getReason()).isEqualTo("unhealthy 1 above 0 as the prober last reported");
        });

        health.pipeInput("LLM/OllamaLLM/v2", probe("v2", true, 90.0));
        tick(Duration.ofSeconds(70));
        assertThat(alerts.readValuesToList()).extracting(AlertEvent::getState).containsExactly(AlertState.RESOLVED);
    }

    @Test
    void keepsTheAlertStatesSchemaReleased() {
        final var released = ReleasedSchemas.of("AlertProgress");
        assertThat(SchemaNormalization.parsingFingerprint64(AlertProgress.getClassSchema()))
            .as("AlertProgress changed: add it as released/AlertProgress/v%d.avsc", released.size() + 1)
            .isEqualTo(SchemaNormalization.parsingFingerprint64(released.get(released.size() - 1)));
    }

    /** One request every 5 s for {@code span}, the clock moving with it. */
    private void traffic(final String version, final Duration span, final long latencyMs, final OutcomeStatus status) {
        final Instant end = now.plus(span);
        while (now.isBefore(end)) {
            pipe(version, latencyMs, status);
            tick(Duration.ofSeconds(5));
        }
    }

    private void pipe(final String version, final long latencyMs, final OutcomeStatus status) {
        final RequestOutcome outcome = RequestOutcome.newBuilder()
            .setRequestId("req-" + now.toEpochMilli()).setEventTime(now)
            .setCategory("LLM").setName("OllamaLLM").setVersion(version).setModelName("llama2")
            .setSelectionReason(SelectionReason.WEIGHT)
            .setStatus(status).setHttpStatus(switch (status) {
                case SUCCESS -> 200;
                case CLIENT_ERROR -> 400;
                default -> 503;
            })
            .setLatencyMs(latencyMs).setStreamed(false).setAttempt(1).setShadow(false)
            .setRouterInstance("router-test").build();
        outcomes.pipeInput("LLM/OllamaLLM/" + version, outcome, now);
    }

    /** Moves the clock by {@code by}, one evaluation interval at a time, as a running app's punctuator sees it. */
    private void tick(final Duration by) {
        Duration left = by;
        while (left.isPositive()) {
            final Duration step = left.compareTo(EVERY) < 0 ? left : EVERY;
            now = now.plus(step);
            driver.advanceWallClockTime(step);
            left = left.minus(step);
        }
    }

    private HealthEvent probe(final String version, final boolean healthy, final double score) {
        return HealthEvent.newBuilder().setCategory("LLM").setName("OllamaLLM").setVersion(version)
            .setCheckedAt(now).setHealthy(healthy).setHealthScore(score).setProberInstance("prober-test").build();
    }

    private static AlertRule rule(final String id, final String version, final AlertMetric metric,
                                  final AlertComparison comparison, final double threshold) {
        return ruleBuilder(id, version, metric, comparison, threshold).build();
    }

    private static AlertRule.Builder ruleBuilder(final String id, final String version, final AlertMetric metric,
                                                 final AlertComparison comparison, final double threshold) {
        return AlertRule.newBuilder().setRuleId(id).setCategory("LLM").setProvider("OllamaLLM").setVersion(version)
            .setMetric(metric).setComparison(comparison).setThreshold(threshold).setWindowSeconds(60)
            .setMinSamples(10).setHoldSeconds(60).setEnabled(true).setUpdatedAt(START).setUpdatedBy("test");
    }
}
