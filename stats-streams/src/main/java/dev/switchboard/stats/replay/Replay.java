package dev.switchboard.stats.replay;

import dev.switchboard.schemas.Topics;
import dev.switchboard.stats.daily.DailyStats;
import dev.switchboard.stats.daily.OutcomeFacts;
import dev.switchboard.stats.daily.OutcomeFactsDeserializer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Re-reads the outcomes of a time range from {@code switchboard.request-outcomes} and recomputes the stats of one
 * provider (per version) or one experiment (per arm), per UTC day, with the same fold as the live stores. The range
 * is of record timestamps, found with {@code offsetsForTimes}, from {@code from} included to {@code to} excluded; a
 * range of whole UTC days answers what the live daily stats answer for those days, plus the day's
 * {@code late_outcomes} (the live store could no longer count those; a replay can).
 */
public final class Replay {

    /** What to recompute: the outcomes of a provider ({@code category/name}) or of an experiment. */
    public sealed interface Selection {
        record OfProvider(String provider) implements Selection {
        }

        record OfExperiment(String experiment) implements Selection {
        }
    }

    /** The recomputed stats: per group (a version, or an experiment's arm), per UTC day. */
    public record Report(Selection selection, Instant from, Instant to, long recordsRead, long undecodable,
                         Map<String, Map<LocalDate, DailyStats>> groups) {
    }

    private Replay() {
    }

    public static Report run(final Consumer<String, byte[]> consumer, final Selection selection, final Instant from,
                             final Instant to) {
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("'from' (" + from + ") must be before 'to' (" + to + ")");
        }
        final Map<String, Map<LocalDate, DailyStats>> groups = new TreeMap<>();
        final Count count = readOutcomes(consumer, from, to, (record, outcome) ->
            group(outcome, record.key(), selection).ifPresent(group -> groups
                .computeIfAbsent(group, g -> new TreeMap<>())
                .computeIfAbsent(dayOf(record.timestamp()), d -> DailyStats.empty())
                .add(outcome)));
        return new Report(selection, from, to, count.read(), count.undecodable(), groups);
    }

    /** Outcomes read, and those among them that did not decode. */
    record Count(long read, long undecodable) {
    }

    /**
     * Hands over each outcome of the range that decodes, with its record; one that does not is counted and passed
     * over, as the live app sends it to the dead-letter topic and goes on.
     */
    static Count readOutcomes(final Consumer<String, byte[]> consumer, final Instant from, final Instant to,
                              final BiConsumer<ConsumerRecord<String, byte[]>, OutcomeFacts> each) {
        final Deserializer<OutcomeFacts> outcomes = new OutcomeFactsDeserializer();
        final long[] undecodable = {0};
        final long read = TopicRange.read(consumer, Topics.REQUEST_OUTCOMES, from, to, record -> {
            final OutcomeFacts outcome;
            try {
                outcome = record.value() == null ? null : outcomes.deserialize(record.topic(), record.value());
            } catch (RuntimeException e) {
                undecodable[0]++;
                return;
            }
            if (outcome != null) {
                each.accept(record, outcome);
            }
        });
        return new Count(read, undecodable[0]);
    }

    /**
     * The group an outcome counts in, if it is selected; shadow calls are not served traffic, and the version is
     * the record's key, as live.
     */
    private static Optional<String> group(final OutcomeFacts outcome, final String key, final Selection selection) {
        if (outcome.shadow() || key == null) {
            return Optional.empty();
        }
        return switch (selection) {
            case Selection.OfProvider provider ->
                key.startsWith(provider.provider() + "/") ? Optional.of(key) : Optional.empty();
            case Selection.OfExperiment experiment ->
                experiment.experiment().equals(outcome.experiment())
                    ? Optional.of(outcome.arm() == null ? "(no arm)" : outcome.arm()) : Optional.empty();
        };
    }

    private static LocalDate dayOf(final long timestamp) {
        return Instant.ofEpochMilli(timestamp).atZone(ZoneOffset.UTC).toLocalDate();
    }
}
