package dev.switchboard.stats.daily;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.switchboard.events.OutcomeStatus;
import dev.switchboard.events.RequestOutcome;
import dev.switchboard.schemas.ReleasedSchemas;
import dev.switchboard.stats.store.VersionDayStats;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

/** The store's values survive an upgrade: what an older stats-streams wrote to the changelog still reads. */
class DailyStatsSerdeTest {

    private final Serde<DailyStats> serde = DailyStatsSerde.create();

    @Test
    void readsBackEverythingItWrote() {
        final DailyStats stats = DailyStats.empty();
        for (int i = 1; i <= 100; i++) {
            final RequestOutcome outcome = DailyStatsTopologyTest.outcome("v1", OutcomeStatus.SUCCESS, i * 10L, 1, 2,
                false);
            outcome.setCost(i % 2 == 0 ? 0.25 : null);
            stats.add(OutcomeFacts.of(outcome));
        }

        final DailyStats read = serde.deserializer().deserialize("t", serde.serializer().serialize("t", stats));

        assertThat(read.total()).isEqualTo(100);
        assertThat(read.totalTokens()).isEqualTo(300);
        assertThat(read.byHttpStatus()).containsEntry(200, 100L);
        assertThat(read.latencyQuantileMs(0.5)).isEqualTo(stats.latencyQuantileMs(0.5));
        assertThat(read.maxLatencyMs()).isEqualTo(1_000);
        assertThat(read.costed()).isEqualTo(50);
        assertThat(read.costUsd()).isEqualTo(12.5);
    }

    @Test
    void storesAnEmptyDistributionAsNullAndReadsItBackEmpty() throws IOException {
        final DailyStats stats = DailyStats.empty();
        stats.add(OutcomeFacts.of(DailyStatsTopologyTest.outcome("v1", OutcomeStatus.SUCCESS, 120, 1, 2, false)));
        stats.add(OutcomeFacts.of(DailyStatsTopologyTest.outcome("v1", OutcomeStatus.UPSTREAM_ERROR, 30, 0, 0, false)));

        final byte[] bytes = serde.serializer().serialize("t", stats);
        final VersionDayStats stored = VersionDayStats.getDecoder().decode(bytes);
        final DailyStats read = serde.deserializer().deserialize("t", bytes);

        assertThat(stored.getTimeToFirstTokenDistribution()).as("nothing streamed: no sketch stored").isNull();
        assertThat(stored.getLatencyDistribution()).isNotNull();
        assertThat(stored.getByHttpStatus()).containsOnlyKeys("200", "503");
        assertThat(read.timeToFirstTokenQuantileMs(0.5)).isZero();
        assertThat(read.latencyQuantileMs(1.0)).isEqualTo(stats.latencyQuantileMs(1.0));
        assertThat(read.byHttpStatus()).containsExactly(entry(200, 1L), entry(503, 1L));
    }

    @Test
    void readsADayStoredBeforeDistributionsWereKept() throws IOException {
        final Schema v1 = ReleasedSchemas.of("VersionDayStats").get(0);
        final GenericRecord old = new GenericData.Record(v1);
        for (final String field : List.of("total", "successes", "client_errors", "upstream_errors", "timeouts",
                "cancelled", "prompt_tokens", "completion_tokens", "latency_sum_ms")) {
            old.put(field, 0L);
        }
        old.put("total", 4L);
        old.put("successes", 3L);
        old.put("upstream_errors", 1L);
        old.put("latency_sum_ms", 400L);
        old.put("last_used_at", Instant.parse("2026-11-21T10:00:00Z").toEpochMilli());
        final byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old).array();

        final DailyStats read = serde.deserializer().deserialize("t", bytes);

        assertThat(read.total()).isEqualTo(4);
        assertThat(read.failures()).isEqualTo(1);
        assertThat(read.averageLatencyMs()).isEqualTo(100.0);
        assertThat(read.latencyQuantileMs(0.99)).as("no distribution was kept then").isZero();
        assertThat(read.byHttpStatus()).isEmpty();
    }

    @Test
    void theCurrentStoreSchemaIsTheNewestReleasedOne() {
        final List<Schema> released = ReleasedSchemas.of("VersionDayStats");
        assertThat(SchemaNormalization.parsingFingerprint64(VersionDayStats.getClassSchema()))
            .as("VersionDayStats changed: add it as released/VersionDayStats/v%d.avsc", released.size() + 1)
            .isEqualTo(SchemaNormalization.parsingFingerprint64(released.get(released.size() - 1)));
    }
}
