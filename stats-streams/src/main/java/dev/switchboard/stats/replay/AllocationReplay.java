package dev.switchboard.stats.replay;

import dev.switchboard.events.ArmAllocation;
import dev.switchboard.events.Experiment;
import dev.switchboard.events.ExperimentAllocation;
import dev.switchboard.events.ExperimentFeedback;
import dev.switchboard.events.ExperimentStatus;
import dev.switchboard.schemas.EventSerdes;
import dev.switchboard.schemas.ExperimentSchedule;
import dev.switchboard.schemas.Topics;
import dev.switchboard.stats.experiment.Guardrails;
import dev.switchboard.stats.experiment.stream.Allocator;
import dev.switchboard.stats.experiment.stream.ExperimentTopology;
import dev.switchboard.stats.store.ExperimentObservation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Re-decides an adaptive experiment (or a fixed one's guardrails) from the topics: its definition, its served
 * outcomes and clients' scores (each stamped as the live join stamps it), folded by the same {@link Allocator}
 * as the stream, in time order; and compares what it decides with the decisions the stream logged on
 * {@code switchboard.experiment-allocations}. The experiment is taken as running throughout (the live one stopped
 * once its winner was promoted); outcomes the live stream counted late are where they belong here, so the two
 * agree while the logged decisions' {@code late_outcomes} is 0.
 */
public final class AllocationReplay {

    /** Numbers agree to this share of their size: the replay's sums may be added in another order. */
    private static final double TOLERANCE = 1e-9;

    /** The logged decisions, the replayed ones, and where they differ (nothing: the replay reproduces them). */
    public record Result(Experiment definition, long outcomes, long scores, List<ExperimentAllocation> logged,
                         List<ExperimentAllocation> replayed, List<String> differences) {
    }

    private AllocationReplay() {
    }

    /** @throws IllegalArgumentException when the experiment is not on the topic */
    public static Result run(final Consumer<String, byte[]> consumer, final String name, final Guardrails guardrails,
                             final Instant now) {
        final Experiment definition = ExperimentReplay.definition(consumer, name).orElseThrow(() ->
            new IllegalArgumentException("there is no experiment '" + name + "' on " + Topics.EXPERIMENTS));
        final Experiment running = Experiment.newBuilder(definition).setStatus(ExperimentStatus.RUNNING).build();
        final Instant began = ExperimentSchedule.began(definition);
        final List<Timed> observations = new ArrayList<>();
        final Map<String, Timed> byRequest = new HashMap<>();
        Replay.readOutcomes(consumer, began, now, (record, outcome) -> {
            if (!outcome.shadow() && name.equals(outcome.experiment()) && outcome.arm() != null) {
                final Timed served = new Timed(record.timestamp(), ExperimentTopology.observation(outcome));
                observations.add(served);
                if (outcome.requestId() != null) {
                    byRequest.put(outcome.requestId(), served);
                }
            }
        });
        final long outcomes = observations.size();
        final Deserializer<ExperimentFeedback> feedback = EventSerdes.experimentFeedback().deserializer();
        TopicRange.read(consumer, Topics.EXPERIMENT_FEEDBACK, began, now.plus(ExperimentReplay.SCORES_AFTER),
            record -> {
                final ExperimentFeedback score = ExperimentReplay.decodeOrNull(feedback, record.topic(),
                    record.value());
                final Timed served = score == null ? null : byRequest.get(score.getRequestId());
                if (served != null && name.equals(score.getExperiment()) && Double.isFinite(score.getScore())) {
                    // Live, the joined score is stamped with the later of the request and the score.
                    observations.add(new Timed(Math.max(record.timestamp(), served.at()), ExperimentObservation
                        .newBuilder(served.observation()).setScore(score.getScore()).build()));
                }
            });
        observations.sort(Comparator.comparingLong(Timed::at));
        final Allocator allocator = new Allocator(guardrails);
        final Allocator.State state = new Allocator.InMemory();
        final List<ExperimentAllocation> replayed = new ArrayList<>();
        for (final Timed seen : observations) {
            replayed.addAll(allocator.observe(running, seen.observation(), Instant.ofEpochMilli(seen.at()), state));
        }
        final List<ExperimentAllocation> logged = logged(consumer, name, began, now);
        return new Result(definition, outcomes, observations.size() - outcomes, logged, replayed,
            differences(logged, replayed));
    }

    /** An observation at its record's time, as the stream sees it. */
    private record Timed(long at, ExperimentObservation observation) {
    }

    /**
     * The decisions the stream logged on the experiment since it began, without re-making them.
     *
     * @throws IllegalArgumentException when the experiment is not on the topic
     */
    public static List<ExperimentAllocation> logged(final Consumer<String, byte[]> consumer, final String name,
                                                    final Instant now) {
        final Experiment definition = ExperimentReplay.definition(consumer, name).orElseThrow(() ->
            new IllegalArgumentException("there is no experiment '" + name + "' on " + Topics.EXPERIMENTS));
        return logged(consumer, name, ExperimentSchedule.began(definition), now);
    }

    /** The decisions the stream logged on the experiment since it began. */
    static List<ExperimentAllocation> logged(final Consumer<String, byte[]> consumer, final String name,
                                             final Instant began, final Instant now) {
        final Deserializer<ExperimentAllocation> decisions = EventSerdes.experimentAllocation().deserializer();
        final List<ExperimentAllocation> logged = new ArrayList<>();
        TopicRange.read(consumer, Topics.EXPERIMENT_ALLOCATIONS, began, now.plusSeconds(1), record -> {
            final ExperimentAllocation decision = name.equals(record.key())
                ? ExperimentReplay.decodeOrNull(decisions, record.topic(), record.value()) : null;
            if (decision != null && !decision.getDecidedAt().isBefore(began)) {
                logged.add(decision);
            }
        });
        logged.sort(Comparator.comparingLong(ExperimentAllocation::getSequence));
        return logged;
    }

    /** Where two runs of decisions differ, decision by decision, in words; empty when they agree. */
    static List<String> differences(final List<ExperimentAllocation> logged,
                                    final List<ExperimentAllocation> replayed) {
        final List<String> differences = new ArrayList<>();
        if (logged.size() != replayed.size()) {
            differences.add("logged " + logged.size() + " decisions, replayed " + replayed.size());
        }
        for (int i = 0; i < Math.min(logged.size(), replayed.size()); i++) {
            final ExperimentAllocation a = logged.get(i);
            final ExperimentAllocation b = replayed.get(i);
            final String at = "decision " + a.getSequence() + ": ";
            if (a.getSequence() != b.getSequence() || a.getPeriod() != b.getPeriod() || a.getState() != b.getState()
                || !Objects.equals(a.getWinner(), b.getWinner()) || a.getOutcomesSeen() != b.getOutcomesSeen()
                || !a.getDecidedAt().equals(b.getDecidedAt())) {
                differences.add(at + "logged " + summary(a) + ", replayed " + summary(b));
            }
            if (!a.getLayout().equals(b.getLayout())) {
                differences.add(at + "the layouts differ");
            }
            if (a.getArms().size() != b.getArms().size()) {
                differences.add(at + "logged " + a.getArms().size() + " arms, replayed " + b.getArms().size());
                continue;
            }
            for (int arm = 0; arm < a.getArms().size(); arm++) {
                final ArmAllocation x = a.getArms().get(arm);
                final ArmAllocation y = b.getArms().get(arm);
                if (!x.getArm().equals(y.getArm()) || x.getSamples() != y.getSamples()
                    || !Objects.equals(x.getEliminated(), y.getEliminated()) || !close(x.getShare(), y.getShare())
                    || !close(x.getEstimate(), y.getEstimate()) || !close(x.getLow(), y.getLow())
                    || !close(x.getHigh(), y.getHigh()) || !close(x.getProbabilityBest(), y.getProbabilityBest())) {
                    differences.add(at + "arm " + x.getArm() + " logged " + x + ", replayed " + y);
                }
            }
        }
        return differences;
    }

    private static String summary(final ExperimentAllocation decision) {
        return decision.getState() + " (period " + decision.getPeriod() + ", " + decision.getOutcomesSeen()
            + " outcomes" + (decision.getWinner() == null ? "" : ", winner " + decision.getWinner()) + ")";
    }

    private static boolean close(final double a, final double b) {
        return Double.compare(a, b) == 0 || Math.abs(a - b) <= TOLERANCE * Math.max(Math.abs(a), Math.abs(b));
    }
}
