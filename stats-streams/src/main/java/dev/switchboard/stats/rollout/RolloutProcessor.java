package dev.switchboard.stats.rollout;

import dev.switchboard.events.ConfigChange;
import dev.switchboard.events.HealthEvent;
import dev.switchboard.events.ProviderVersion;
import dev.switchboard.events.RegisteredModel;
import dev.switchboard.events.Rollout;
import dev.switchboard.events.RolloutAction;
import dev.switchboard.events.RolloutDecision;
import dev.switchboard.rollout.RolloutState;
import dev.switchboard.schemas.EventSerdes;
import dev.switchboard.schemas.Topics;
import dev.switchboard.schemas.VersionKey;
import dev.switchboard.stats.health.VersionHealth;
import dev.switchboard.stats.store.RolloutObservation;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rollouts' one writer of consequences. It folds each plan with its decisions in the decisions topic's order
 * (the fold routers do too: a decision on a stale revision changes nothing), audits every change, and when a
 * rollout ends settles the configuration ({@link RolloutSettlement}). It folds the served outcomes of the running
 * rollouts' versions into the current step's totals and, every few seconds of wall-clock time, judges each running
 * rollout, writing the judge's decision to the decisions topic; the decision takes effect when it is read back like
 * an operator's. A candidate the prober reports unhealthy fails its step: the routers send it nothing, so the
 * evidence the judge waits for would never come. Everything happens in the task's exactly-once transactions, so no consequence is written twice.
 */
final class RolloutProcessor implements Processor<String, RolloutInput, String, RolloutOutput> {

    private static final Logger log = LoggerFactory.getLogger(RolloutProcessor.class);

    private final RolloutTopology.Settings settings;
    private final Clock clock;
    /** The revision each rollout was last judged to move on, so it is not written again before it is read back. */
    private final Map<String, Long> awaitingDecision = new HashMap<>();
    private final Map<String, Instant> lastHold = new HashMap<>();
    private ProcessorContext<String, RolloutOutput> context;
    private KeyValueStore<String, RolloutState> states;
    private KeyValueStore<String, StepTotals> totals;
    private KeyValueStore<String, ValueAndTimestamp<ProviderVersion>> versions;
    private KeyValueStore<String, ValueAndTimestamp<RegisteredModel>> models;
    private KeyValueStore<String, ValueAndTimestamp<HealthEvent>> health;

    RolloutProcessor(final RolloutTopology.Settings settings, final Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public void init(final ProcessorContext<String, RolloutOutput> context) {
        this.context = context;
        this.states = context.getStateStore(RolloutTopology.STATES_STORE);
        this.totals = context.getStateStore(RolloutTopology.TOTALS_STORE);
        this.versions = context.getStateStore(RolloutTopology.VERSIONS_STORE);
        this.models = context.getStateStore(RolloutTopology.MODELS_STORE);
        this.health = context.getStateStore(VersionHealth.STORE);
        context.schedule(settings.judgeEvery(), PunctuationType.WALL_CLOCK_TIME, now -> judgeAll());
    }

    @Override
    public void process(final Record<String, RolloutInput> record) {
        switch (record.value()) {
            case RolloutInput.Plan plan -> begin(record.key(), plan.plan());
            case RolloutInput.Decision decision -> apply(record.key(), decision.decision());
            case RolloutInput.Observation observation -> observe(record.key(), observation.observation());
        }
    }

    private void begin(final String id, final Rollout plan) {
        if (plan == null || states.get(id) != null) {
            return; // a plan is fixed once read; a rewrite of it (or its deletion) changes no running rollout
        }
        final RolloutState state = RolloutState.begin(plan);
        states.put(id, state);
        totals.put(id, StepTotals.empty(0));
        send(Topics.ACTIVE_ROLLOUTS, state.provider(), EventSerdes.rollout().serialize(Topics.ACTIVE_ROLLOUTS, plan));
        log.info("Rollout {} of {} begins: {} -> {} at {}%", id, state.provider(), plan.getBaseline(),
            plan.getCandidate(), state.candidatePercentage());
    }

    private void apply(final String id, final RolloutDecision decision) {
        final RolloutState state = states.get(id);
        if (state == null) {
            log.warn("Decision {} names rollout {}, whose plan is not known; ignored", decision.getDecisionId(), id);
            return;
        }
        final RolloutState next = state.apply(decision);
        if (next == state) {
            if (decision.getAction() != RolloutAction.HOLD) {
                log.info("Decision {} ({} by {} on revision {}) does not apply to rollout {} at revision {} ({})",
                    decision.getDecisionId(), decision.getAction(), decision.getDecidedBy(), decision.getRevision(),
                    id, state.revision(), state.status());
            }
            return;
        }
        states.put(id, next);
        awaitingDecision.remove(id);
        if (next.step() != state.step()) {
            totals.put(id, StepTotals.empty(next.step()));
        }
        final Rollout plan = next.plan();
        log.info("Rollout {}: {} by {} ({}): {} at step {} ({}% on {})", id, decision.getAction(),
            decision.getDecidedBy(), decision.getReason(), next.status(), next.step() + 1, next.candidatePercentage(),
            plan.getCandidate());
        send(Topics.CONFIG_AUDIT, next.provider(), EventSerdes.configChange().serialize(Topics.CONFIG_AUDIT,
            RolloutSettlement.audit(decision.getDecidedBy(), decision.getDecidedAt(),
                decision.getAction().name().toLowerCase(Locale.ROOT) + "_rollout", id, describe(state),
                describe(next), settings.instance())));
        if (next.status().ended()) {
            settle(next, decision);
        }
    }

    private void settle(final RolloutState ended, final RolloutDecision decision) {
        final List<ProviderVersion> current = new ArrayList<>();
        final String prefix = ended.provider() + "/";
        try (KeyValueIterator<String, ValueAndTimestamp<ProviderVersion>> all = versions.prefixScan(prefix,
            new StringSerializer())) {
            all.forEachRemaining(entry -> current.add(entry.value.value()));
        }
        final List<RegisteredModel> registered = new ArrayList<>();
        try (KeyValueIterator<String, ValueAndTimestamp<RegisteredModel>> all = models.all()) {
            all.forEachRemaining(entry -> registered.add(entry.value.value()));
        }
        final Instant at = latest(decision.getDecidedAt(), clock.instant());
        for (final RolloutSettlement.Change change : RolloutSettlement.of(ended, current, registered,
            decision.getDecidedBy(), at, settings.instance())) {
            switch (change) {
                case RolloutSettlement.VersionChange v -> send(Topics.PROVIDER_CONFIG, new VersionKey(
                    v.version().getCategory(), v.version().getName(), v.version().getVersion()).toString(),
                    EventSerdes.providerVersion().serialize(Topics.PROVIDER_CONFIG, v.version()));
                case RolloutSettlement.ModelChange m -> send(Topics.MODEL_REGISTRY, m.model().getModelId(),
                    EventSerdes.registeredModel().serialize(Topics.MODEL_REGISTRY, m.model()));
            }
            final ConfigChange audit = change.audit();
            send(Topics.CONFIG_AUDIT, ended.provider(),
                EventSerdes.configChange().serialize(Topics.CONFIG_AUDIT, audit));
        }
        send(Topics.ACTIVE_ROLLOUTS, ended.provider(), null);
        totals.delete(ended.plan().getId());
        lastHold.remove(ended.plan().getId()); // an ended rollout is judged no more
    }

    private void observe(final String id, final RolloutObservation observation) {
        final RolloutState state = states.get(id);
        if (state == null || state.status().ended() || observation.getEventTime().isBefore(state.stepStartedAt())) {
            return; // not (or no longer) a canary, or served before the step began
        }
        final StepTotals step = StepTotals.current(totals.get(id), state.step());
        if (observation.getScore() != null) {
            step.side(observation.getCandidate()).addScore(observation.getScore());
        } else {
            step.side(observation.getCandidate()).addRequest(observation.getFailed(), observation.getLatencyMs(),
                observation.getTimeToFirstTokenMs(), observation.getCost());
        }
        totals.put(id, step);
    }

    /** Judges every running rollout; called every few seconds of wall-clock time. */
    private void judgeAll() {
        final Instant now = clock.instant();
        final List<KeyValue<String, RolloutState>> running = new ArrayList<>();
        try (KeyValueIterator<String, RolloutState> all = states.all()) {
            all.forEachRemaining(entry -> {
                if (entry.value.status() == RolloutState.Status.RUNNING) {
                    running.add(entry);
                }
            });
        }
        running.forEach(entry -> judge(entry.key, entry.value, now));
    }

    private void judge(final String id, final RolloutState state, final Instant now) {
        if (Long.valueOf(state.revision()).equals(awaitingDecision.get(id))) {
            return; // decided on this revision already; waiting to read the decision back
        }
        final RolloutJudgement judgement;
        try {
            judgement = judgement(id, state, now);
        } catch (IllegalArgumentException e) {
            log.warn("Rollout {} cannot be judged by this version of stats-streams: {}", id, e.getMessage());
            return;
        }
        if (judgement.action() == RolloutAction.HOLD) {
            final Instant last = lastHold.get(id);
            if (last != null && now.isBefore(last.plus(settings.holdEvery()))) {
                return; // holds are evidence only: written now and then, not at every look
            }
            lastHold.put(id, now);
        } else {
            awaitingDecision.put(id, state.revision());
        }
        final RolloutDecision decision = judgement.toDecision(settings.instance(), now);
        if (decision.getAction() != RolloutAction.HOLD) {
            log.info("Canary judge on rollout {} step {}: {} ({})", id, state.step() + 1, decision.getAction(),
                decision.getReason());
        }
        send(Topics.ROLLOUT_DECISIONS, id, EventSerdes.rolloutDecision().serialize(Topics.ROLLOUT_DECISIONS, decision));
    }

    private RolloutJudgement judgement(final String id, final RolloutState state, final Instant now) {
        final ValueAndTimestamp<HealthEvent> candidate = health.get(state.candidate().toString());
        return RolloutJudgement.at(settings.judge(), state, totals.get(id), now,
            VersionHealth.outOfTraffic(candidate == null ? null : candidate.value()));
    }

    private void send(final String topic, final String key, final byte[] value) {
        context.forward(new Record<>(key, new RolloutOutput(topic, value), clock.millis()));
    }

    private static String describe(final RolloutState state) {
        return "{\"status\":\"" + state.status() + "\",\"step\":" + (state.step() + 1) + ",\"candidate_percentage\":"
            + state.candidatePercentage() + ",\"revision\":" + state.revision() + "}";
    }

    private static Instant latest(final Instant a, final Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
