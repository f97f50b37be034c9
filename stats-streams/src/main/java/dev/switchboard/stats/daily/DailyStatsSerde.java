package dev.switchboard.stats.daily;

import dev.switchboard.schemas.AvroEventSerde;
import dev.switchboard.stats.store.VersionDayStats;
import java.util.List;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/** Stores {@link DailyStats} as Avro single-object records, so the changelog can evolve like the events. */
final class DailyStatsSerde {

    private DailyStatsSerde() {
    }

    static Serde<DailyStats> create() {
        final AvroEventSerde<VersionDayStats> avro = AvroEventSerde.forRecord(VersionDayStats.class,
            VersionDayStats.getClassSchema(), List.of(VersionDayStats.getClassSchema()));
        final Serializer<DailyStats> serializer = (topic, stats) -> stats == null ? null
            : avro.serialize(topic, toRecord(stats));
        final Deserializer<DailyStats> deserializer = (topic, bytes) -> {
            final VersionDayStats record = avro.deserialize(topic, bytes);
            return record == null ? null : fromRecord(record);
        };
        return Serdes.serdeFrom(serializer, deserializer);
    }

    private static VersionDayStats toRecord(final DailyStats s) {
        return new VersionDayStats(s.total(), s.successes(), s.clientErrors(), s.upstreamErrors(), s.timeouts(),
            s.cancelled(), s.promptTokens(), s.completionTokens(), s.latencySumMs(), s.lastUsedAt());
    }

    private static DailyStats fromRecord(final VersionDayStats r) {
        return new DailyStats(r.getTotal(), r.getSuccesses(), r.getClientErrors(), r.getUpstreamErrors(),
            r.getTimeouts(), r.getCancelled(), r.getPromptTokens(), r.getCompletionTokens(), r.getLatencySumMs(),
            r.getLastUsedAt());
    }
}
