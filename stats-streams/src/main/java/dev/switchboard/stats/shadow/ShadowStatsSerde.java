package dev.switchboard.stats.shadow;

import dev.switchboard.schemas.AvroEventSerde;
import dev.switchboard.schemas.ReleasedSchemas;
import dev.switchboard.stats.sketch.Distribution;
import dev.switchboard.stats.store.ShadowPairTotals;
import dev.switchboard.stats.store.ShadowPairsDay;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/** Stores {@link ShadowDayStats} as Avro single-object records ({@code ShadowPairsDay}), like the other stores. */
final class ShadowStatsSerde {

    private ShadowStatsSerde() {
    }

    static Serde<ShadowDayStats> create() {
        final AvroEventSerde<ShadowPairsDay> avro = AvroEventSerde.forRecord(ShadowPairsDay.class,
            ShadowPairsDay.getClassSchema(), ReleasedSchemas.of(ShadowPairsDay.class.getSimpleName()));
        final Serializer<ShadowDayStats> serializer = (topic, day) -> {
            if (day == null) {
                return null;
            }
            final Map<String, ShadowPairTotals> byCandidate = new HashMap<>();
            day.byCandidate().forEach((candidate, pair) -> byCandidate.put(candidate, toRecord(pair)));
            return avro.serialize(topic, new ShadowPairsDay(byCandidate));
        };
        final Deserializer<ShadowDayStats> deserializer = (topic, bytes) -> {
            final ShadowPairsDay record = avro.deserialize(topic, bytes);
            if (record == null) {
                return null;
            }
            final Map<String, ShadowPairStats> byCandidate = new HashMap<>();
            record.getByCandidate().forEach((candidate, pair) -> byCandidate.put(candidate.toString(),
                fromRecord(pair)));
            return new ShadowDayStats(byCandidate);
        };
        return Serdes.serdeFrom(serializer, deserializer);
    }

    private static ShadowPairTotals toRecord(final ShadowPairStats pair) {
        final ShadowPairStats.Counts c = pair.counts();
        return ShadowPairTotals.newBuilder()
            .setComparisons(c.comparisons()).setBaselineFailures(c.baselineFailures())
            .setCandidateFailures(c.candidateFailures()).setStatusMismatches(c.statusMismatches())
            .setBaselineLatencySumMs(c.baselineLatencySumMs()).setCandidateLatencySumMs(c.candidateLatencySumMs())
            .setLatencyDifferenceDistribution(pair.latencyDifference().toBuffer())
            .setTokenPairs(c.tokenPairs()).setCompletionTokenDifferenceSum(c.completionTokenDifferenceSum())
            .setSimilarityHistogram(Arrays.stream(pair.similarityHistogram()).boxed().toList())
            .setSimilaritySum(c.similaritySum())
            .setSimilarityDistribution(pair.similarity().toBuffer())
            .setLastComparedAt(c.lastComparedAt())
            .build();
    }

    private static ShadowPairStats fromRecord(final ShadowPairTotals r) {
        final List<Long> histogram = r.getSimilarityHistogram();
        return new ShadowPairStats(new ShadowPairStats.Counts(r.getComparisons(), r.getBaselineFailures(),
            r.getCandidateFailures(), r.getStatusMismatches(), r.getBaselineLatencySumMs(),
            r.getCandidateLatencySumMs(), r.getTokenPairs(), r.getCompletionTokenDifferenceSum(),
            r.getSimilaritySum(), r.getLastComparedAt()), histogram.stream().mapToLong(Long::longValue).toArray(),
            Distribution.fromBuffer(r.getLatencyDifferenceDistribution()),
            Distribution.fromBuffer(r.getSimilarityDistribution()));
    }
}
