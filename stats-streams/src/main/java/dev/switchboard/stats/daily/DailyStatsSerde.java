package dev.switchboard.stats.daily;

import dev.switchboard.schemas.AvroEventSerde;
import dev.switchboard.schemas.ReleasedSchemas;
import dev.switchboard.stats.sketch.Distribution;
import dev.switchboard.stats.store.VersionDayStats;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Stores {@link DailyStats} as Avro single-object records, so the changelog evolves like the events: every
 * released version of {@code VersionDayStats} stays readable, and the fields a version lacks read as empty.
 */
public final class DailyStatsSerde {

    private DailyStatsSerde() {
    }

    public static Serde<DailyStats> create() {
        final AvroEventSerde<VersionDayStats> avro = AvroEventSerde.forRecord(VersionDayStats.class,
            VersionDayStats.getClassSchema(), ReleasedSchemas.of(VersionDayStats.class.getSimpleName()));
        final Serializer<DailyStats> serializer = (topic, stats) -> stats == null ? null
            : avro.serialize(topic, toRecord(stats));
        final Deserializer<DailyStats> deserializer = (topic, bytes) -> {
            final VersionDayStats record = avro.deserialize(topic, bytes);
            return record == null ? null : fromRecord(record);
        };
        return Serdes.serdeFrom(serializer, deserializer);
    }

    private static VersionDayStats toRecord(final DailyStats stats) {
        final DailyStats.Counts c = stats.counts();
        final Map<String, Long> byStatus = new HashMap<>();
        stats.forEachHttpStatus((status, count) -> byStatus.put(Integer.toString(status), count));
        return VersionDayStats.newBuilder()
            .setTotal(c.total()).setSuccesses(c.successes()).setClientErrors(c.clientErrors())
            .setUpstreamErrors(c.upstreamErrors()).setTimeouts(c.timeouts()).setCancelled(c.cancelled())
            .setPromptTokens(c.promptTokens()).setCompletionTokens(c.completionTokens())
            .setLatencySumMs(c.latencySumMs()).setLastUsedAt(c.lastUsedAt()).setMaxLatencyMs(c.maxLatencyMs())
            .setStreamed(c.streamed()).setRetries(c.retries()).setFailovers(c.failovers())
            .setCosted(c.costed()).setCostUsd(c.costUsd())
            .setByHttpStatus(byStatus)
            .setLatencyDistribution(stats.latency().toNullableBuffer())
            .setTimeToFirstTokenDistribution(stats.timeToFirstToken().toNullableBuffer())
            .build();
    }

    private static DailyStats fromRecord(final VersionDayStats r) {
        final Map<Integer, Long> byStatus = new HashMap<>();
        r.getByHttpStatus().forEach((status, count) -> byStatus.put(Integer.parseInt(status), count));
        return new DailyStats(new DailyStats.Counts(r.getTotal(), r.getSuccesses(), r.getClientErrors(),
            r.getUpstreamErrors(), r.getTimeouts(), r.getCancelled(), r.getPromptTokens(), r.getCompletionTokens(),
            r.getLatencySumMs(), r.getMaxLatencyMs(), r.getStreamed(), r.getRetries(), r.getFailovers(),
            r.getCosted(), r.getCostUsd(), r.getLastUsedAt()), byStatus, Distribution.fromBuffer(r.getLatencyDistribution()),
            Distribution.fromBuffer(r.getTimeToFirstTokenDistribution()));
    }
}
