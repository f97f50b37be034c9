package dev.switchboard.stats.replay;

import dev.switchboard.events.Experiment;
import dev.switchboard.events.ExperimentFeedback;
import dev.switchboard.events.OutcomeStatus;
import dev.switchboard.schemas.EventSerdes;
import dev.switchboard.schemas.ExperimentSchedule;
import dev.switchboard.schemas.Topics;
import dev.switchboard.stats.experiment.ExperimentDesign;
import dev.switchboard.stats.experiment.ExperimentTimeline;
import dev.switchboard.stats.experiment.stream.ExperimentDesigns;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Re-reads one experiment from Kafka, as stats-streams folds it live: its latest definition from
 * {@code switchboard.experiments}, its served outcomes from {@code switchboard.request-outcomes}, and clients'
 * scores from {@code switchboard.experiment-feedback}, each joined to the arm that served its request. What it
 * gathers is a {@link ExperimentTimeline}, so the report can show the experiment as it went.
 */
public final class ExperimentReplay {

    /** How long after the range a client's score of a request in it is still read, as the live join waits a day. */
    static final Duration SCORES_AFTER = Duration.ofDays(1);
    private static final int PERIODS = 60;

    /** The experiment re-read, with what the replay saw along the way. */
    public record Result(Experiment definition, ExperimentDesign design, Instant from, Instant to, long recordsRead,
                         long undecodable, long outcomes, long scores, long scoresUnmatched,
                         ExperimentTimeline timeline) {
    }

    /** Where the arm of a request, and when it was served. */
    private record Served(String arm, Instant at) {
    }

    private ExperimentReplay() {
    }

    /**
     * @param from from when; empty: when the experiment began
     * @param to   until when; empty: {@code now}
     * @throws IllegalArgumentException when the experiment is not on the topic, cannot be judged, or the range is
     *                                  empty
     */
    public static Result run(final Consumer<String, byte[]> consumer, final String name,
                             final Optional<Instant> from, final Optional<Instant> to, final Instant now) {
        final Experiment definition = definition(consumer, name).orElseThrow(() -> new IllegalArgumentException(
            "there is no experiment '" + name + "' on " + Topics.EXPERIMENTS));
        final ExperimentDesign design = ExperimentDesigns.of(definition);
        final Instant start = from.orElse(ExperimentSchedule.began(definition));
        final Instant end = to.orElse(now);
        if (!start.isBefore(end)) {
            throw new IllegalArgumentException("'from' (" + start + ") must be before 'to' (" + end + ")");
        }
        final ExperimentTimeline timeline = new ExperimentTimeline(PERIODS);
        final Map<String, Served> byRequest = new HashMap<>();
        final long[] outcomes = {0};
        final Replay.Count count = Replay.readOutcomes(consumer, start, end, (record, outcome) -> {
            if (!outcome.shadow() && name.equals(outcome.experiment()) && outcome.arm() != null) {
                outcomes[0]++;
                final Instant at = Instant.ofEpochMilli(record.timestamp());
                timeline.at(at, outcome.arm()).addOutcome(
                    outcome.status() == OutcomeStatus.SUCCESS, outcome.latencyMs(),
                    outcome.completionTokens(), outcome.cost());
                if (outcome.requestId() != null) {
                    byRequest.put(outcome.requestId(), new Served(outcome.arm(), at));
                }
            }
        });
        final long[] scores = {0, 0};
        final Deserializer<ExperimentFeedback> feedback = EventSerdes.experimentFeedback().deserializer();
        TopicRange.read(consumer, Topics.EXPERIMENT_FEEDBACK, start, end.plus(SCORES_AFTER), record -> {
            final ExperimentFeedback score = decodeOrNull(feedback, record.topic(), record.value());
            if (score == null || !name.equals(score.getExperiment()) || !Double.isFinite(score.getScore())) {
                return;
            }
            final Served served = byRequest.get(score.getRequestId());
            if (served == null) {
                scores[1]++; // its request is outside the range, or never reached the outcome topic
                return;
            }
            scores[0]++;
            // Live, the joined score is stamped with the later of the request and the score.
            final Instant at = Instant.ofEpochMilli(Math.max(record.timestamp(), served.at().toEpochMilli()));
            timeline.at(at, served.arm()).addScore(score.getScore());
        });
        return new Result(definition, design, start, end, count.read(), count.undecodable(), outcomes[0], scores[0],
            scores[1], timeline);
    }

    /** The latest definition of the experiment: the compacted topic's last record for its name, unless deleted. */
    static Optional<Experiment> definition(final Consumer<String, byte[]> consumer, final String name) {
        final Deserializer<Experiment> experiments = EventSerdes.experiment().deserializer();
        final Experiment[] latest = {null};
        TopicRange.readAll(consumer, Topics.EXPERIMENTS, record -> {
            if (name.equals(record.key())) {
                latest[0] = decodeOrNull(experiments, record.topic(), record.value());
            }
        });
        return Optional.ofNullable(latest[0]);
    }

    /** A tombstone, or a record that does not decode (the live app skips those too), is null. */
    static <T> T decodeOrNull(final Deserializer<T> deserializer, final String topic, final byte[] value) {
        if (value == null) {
            return null;
        }
        try {
            return deserializer.deserialize(topic, value);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
