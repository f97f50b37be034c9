package dev.switchboard.stats.alert.stream;

import dev.switchboard.events.AlertEvent;
import dev.switchboard.events.AlertRule;
import dev.switchboard.events.AlertState;
import dev.switchboard.events.HealthEvent;
import dev.switchboard.stats.health.VersionHealth;
import dev.switchboard.schemas.VersionKey;
import dev.switchboard.stats.alert.Reading;
import dev.switchboard.stats.alert.RuleState;
import dev.switchboard.stats.alert.Threshold;
import dev.switchboard.stats.daily.DailyStats;
import dev.switchboard.stats.daily.DailyStatsTopology;
import dev.switchboard.stats.daily.OutcomeFacts;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates every rule on this task's versions every {@code evaluateEvery} of wall-clock time (so a version whose
 * traffic stopped is still evaluated), and forwards each FIRING and RESOLVED transition. A rule's window is read
 * from the minute totals: the minutes that began in the last {@code window}, and the one running, so a window
 * always spans at least its length. The minute totals are read as of the task's last commit.
 */
final class AlertProcessor implements Processor<String, OutcomeFacts, String, AlertEvent> {

    private static final Logger log = LoggerFactory.getLogger(AlertProcessor.class);
    private static final String SEPARATOR = "|";
    private static final long MINUTE_MS = Duration.ofMinutes(1).toMillis();

    private final Duration evaluateEvery;
    private ProcessorContext<String, AlertEvent> context;
    private ReadOnlyWindowStore<String, DailyStats> minutes;
    private KeyValueStore<String, RuleState> states;
    private KeyValueStore<String, ValueAndTimestamp<AlertRule>> rules;
    private KeyValueStore<String, ValueAndTimestamp<HealthEvent>> health;
    /** Health rules read a global table: every task sees every version, so the first task alone evaluates them. */
    private boolean judgesHealth;

    AlertProcessor(final Duration evaluateEvery) {
        this.evaluateEvery = evaluateEvery;
    }

    @Override
    public void init(final ProcessorContext<String, AlertEvent> context) {
        this.context = context;
        this.minutes = context.getStateStore(DailyStatsTopology.MINUTE_STORE);
        this.states = context.getStateStore(AlertTopology.STATES_STORE);
        this.rules = context.getStateStore(AlertTopology.RULES_STORE);
        this.health = context.getStateStore(VersionHealth.STORE);
        this.judgesHealth = context.taskId().partition() == 0;
        context.schedule(evaluateEvery, PunctuationType.WALL_CLOCK_TIME, now -> evaluate(Instant.ofEpochMilli(now)));
    }

    @Override
    public void process(final Record<String, OutcomeFacts> record) {
        // The fold beside this processor keeps the minute totals; rules are evaluated on the clock.
    }

    private void evaluate(final Instant now) {
        final Map<String, AlertRule> current = new HashMap<>();
        try (KeyValueIterator<String, ValueAndTimestamp<AlertRule>> all = rules.all()) {
            all.forEachRemaining(rule -> {
                if (rule.value != null && rule.value.value() != null) {
                    current.put(rule.key, rule.value.value());
                }
            });
        }
        withdrawRulesGone(current, now);
        current.values().stream().filter(AlertRule::getEnabled).forEach(rule -> evaluate(rule, now));
    }

    /** A rule deleted or disabled resolves whatever it had firing, and forgets its states. */
    private void withdrawRulesGone(final Map<String, AlertRule> current, final Instant now) {
        final Map<String, RuleState> orphans = new TreeMap<>();
        try (KeyValueIterator<String, RuleState> all = states.all()) {
            all.forEachRemaining(state -> {
                final AlertRule rule = current.get(ruleOf(state.key));
                if (rule == null || !rule.getEnabled()) {
                    orphans.put(state.key, state.value);
                }
            });
        }
        orphans.forEach((key, state) -> {
            final RuleState.Step step = state.withdrawn(state.last(), now);
            step.transition().ifPresent(transition -> {
                final AlertRule rule = current.get(ruleOf(key));
                if (rule != null) {
                    emit(rule, versionOf(key), state, step, now, new Window(now, now));
                } else {
                    log.info("Alert rule {} was deleted while firing for {}: its RESOLVED is not written (the rule "
                        + "it would describe is gone)", ruleOf(key), versionOf(key));
                }
            });
            states.delete(key);
        });
    }

    private void evaluate(final AlertRule rule, final Instant now) {
        final Threshold threshold;
        try {
            threshold = threshold(rule);
        } catch (IllegalArgumentException e) {
            log.warn("Alert rule {} is not evaluated: {}", rule.getRuleId(), e.getMessage());
            return;
        }
        if (threshold.onHealth() && !judgesHealth) {
            return;
        }
        final Window window = threshold.onHealth() ? new Window(now, now) : Window.of(now, threshold.window());
        final Map<String, Reading> readings = new TreeMap<>();
        if (threshold.onHealth()) {
            healthByVersion(rule).forEach((version, event) ->
                readings.put(version, threshold.readHealth(event.getHealthy(), event.getHealthScore())));
        } else {
            totalsByVersion(rule, window).forEach((version, total) -> readings.put(version, threshold.read(total)));
        }
        // Versions with a state but no figure now are evaluated too: a silence can resolve or fire.
        try (KeyValueIterator<String, RuleState> known = states.prefixScan(rule.getRuleId() + SEPARATOR,
            new org.apache.kafka.common.serialization.StringSerializer())) {
            known.forEachRemaining(state -> readings.computeIfAbsent(versionOf(state.key), version ->
                threshold.onHealth() ? threshold.readHealth(null, null) : threshold.read(DailyStats.empty())));
        }
        readings.forEach((version, reading) -> {
            final String key = rule.getRuleId() + SEPARATOR + version;
            final RuleState before = states.get(key);
            final RuleState state = before == null ? RuleState.initial(now, reading) : before;
            final RuleState.Step step = state.next(reading, now, threshold.hold());
            step.transition().ifPresent(transition -> emit(rule, version, state, step, now, window));
            if (step.state().status() == RuleState.Status.OK && reading.samples() == 0) {
                states.delete(key);
            } else {
                states.put(key, step.state());
            }
        });
    }

    /** The prober's latest event on each version the rule covers. */
    private Map<String, HealthEvent> healthByVersion(final AlertRule rule) {
        final KeyRange range = KeyRange.of(rule);
        final Map<String, HealthEvent> latest = new TreeMap<>();
        try (KeyValueIterator<String, ValueAndTimestamp<HealthEvent>> all = health.range(range.from(), range.to())) {
            all.forEachRemaining(entry -> {
                if (entry.value != null && entry.value.value() != null && range.covers(entry.key)) {
                    latest.put(entry.key, entry.value.value());
                }
            });
        }
        return latest;
    }

    private Map<String, DailyStats> totalsByVersion(final AlertRule rule, final Window window) {
        final KeyRange range = KeyRange.of(rule);
        final Map<String, DailyStats> totals = new TreeMap<>();
        try (KeyValueIterator<Windowed<String>, DailyStats> minute = minutes.fetch(range.from(), range.to(),
            window.start(), window.end())) {
            minute.forEachRemaining((KeyValue<Windowed<String>, DailyStats> entry) -> {
                final String version = entry.key.key();
                if (entry.value != null && range.covers(version)) {
                    totals.computeIfAbsent(version, v -> DailyStats.empty()).addAll(entry.value);
                }
            });
        }
        return totals;
    }

    private void emit(final AlertRule rule, final String version, final RuleState before, final RuleState.Step step,
                      final Instant now, final Window window) {
        final boolean firing = step.transition().orElseThrow() == RuleState.Transition.FIRING;
        final Instant firedAt = firing ? step.state().firedAt() : before.firedAt();
        final Instant conditionSince = firing ? step.state().since()
            : before.status() == RuleState.Status.RESOLVING ? before.since() : now;
        final VersionKey key = VersionKey.parse(version);
        final Reading reading = step.state().last();
        final AlertEvent event = AlertEvent.newBuilder()
            .setEventId(UUID.nameUUIDFromBytes((rule.getRuleId() + SEPARATOR + version + SEPARATOR
                + (firing ? "FIRING" : "RESOLVED") + SEPARATOR + firedAt.toEpochMilli())
                .getBytes(StandardCharsets.UTF_8)).toString())
            .setRuleId(rule.getRuleId()).setCategory(key.category()).setProvider(key.name())
            .setVersion(key.version()).setState(firing ? AlertState.FIRING : AlertState.RESOLVED)
            .setMetric(rule.getMetric()).setComparison(rule.getComparison()).setThreshold(rule.getThreshold())
            .setValue(reading.value()).setSamples(reading.samples())
            .setWindowStart(window.start()).setWindowEnd(window.end())
            .setConditionSince(conditionSince).setFiredAt(firedAt).setEventTime(now)
            .setReason(reading.reason()).setDescription(rule.getDescription())
            .build();
        log.info("Alert {} {} for {}: {}", rule.getRuleId(), event.getState(), version, reading.reason());
        context.forward(new Record<>(rule.getRuleId() + SEPARATOR + version, event, now.toEpochMilli()));
    }

    static Threshold threshold(final AlertRule rule) {
        return new Threshold(rule.getMetric(), rule.getComparison(), rule.getThreshold(),
            Duration.ofSeconds(rule.getWindowSeconds()), rule.getMinSamples(), Duration.ofSeconds(rule.getHoldSeconds()));
    }

    private static String ruleOf(final String key) {
        return key.substring(0, key.indexOf(SEPARATOR));
    }

    private static String versionOf(final String key) {
        return key.substring(key.indexOf(SEPARATOR) + 1);
    }

    /** The version keys a rule covers: its version, or every version of its provider. */
    private record KeyRange(String provider, String from, String to) {
        static KeyRange of(final AlertRule rule) {
            final String provider = rule.getCategory() + "/" + rule.getProvider();
            final String from = rule.getVersion() == null ? provider + "/" : provider + "/" + rule.getVersion();
            return new KeyRange(provider, from, rule.getVersion() == null ? provider + "/\uffff" : from);
        }

        boolean covers(final String version) {
            try {
                return provider.equals(VersionKey.parse(version).provider());
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
    }

    /** The minutes a rule's figure is read from: those that began in the last window, and the running one. */
    private record Window(Instant start, Instant end) {
        static Window of(final Instant now, final Duration length) {
            final long start = Math.floorDiv(now.toEpochMilli() - length.toMillis(), MINUTE_MS) * MINUTE_MS;
            return new Window(Instant.ofEpochMilli(start), now);
        }
    }
}
