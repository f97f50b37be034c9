package dev.switchboard.stats.experiment.stream;

import dev.switchboard.schemas.AvroEventSerde;
import dev.switchboard.schemas.ReleasedSchemas;
import dev.switchboard.stats.experiment.ArmTotals;
import dev.switchboard.stats.experiment.ExperimentDay;
import dev.switchboard.stats.experiment.Moments;
import dev.switchboard.stats.sketch.Distribution;
import dev.switchboard.stats.store.ArmDayTotals;
import dev.switchboard.stats.store.ExperimentArmsDay;
import dev.switchboard.stats.store.ExperimentObservation;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/** The Avro serdes of the experiment streams: the repartitioned observations and the per-day arm totals. */
final class ExperimentStoreSerdes {

    private ExperimentStoreSerdes() {
    }

    static Serde<ExperimentObservation> observation() {
        return AvroEventSerde.forRecord(ExperimentObservation.class, ExperimentObservation.getClassSchema(),
            ReleasedSchemas.of(ExperimentObservation.class.getSimpleName()));
    }

    public static Serde<ExperimentDay> day() {
        final AvroEventSerde<ExperimentArmsDay> avro = AvroEventSerde.forRecord(ExperimentArmsDay.class,
            ExperimentArmsDay.getClassSchema(), ReleasedSchemas.of(ExperimentArmsDay.class.getSimpleName()));
        final Serializer<ExperimentDay> serializer = (topic, day) -> {
            if (day == null) {
                return null;
            }
            final Map<String, ArmDayTotals> byArm = new HashMap<>();
            day.byArm().forEach((arm, totals) -> byArm.put(arm, toRecord(totals)));
            return avro.serialize(topic, new ExperimentArmsDay(byArm));
        };
        final Deserializer<ExperimentDay> deserializer = (topic, bytes) -> {
            final ExperimentArmsDay record = avro.deserialize(topic, bytes);
            if (record == null) {
                return null;
            }
            final Map<String, ArmTotals> byArm = new HashMap<>();
            record.getByArm().forEach((arm, totals) -> byArm.put(arm.toString(), fromRecord(totals)));
            return new ExperimentDay(byArm);
        };
        return Serdes.serdeFrom(serializer, deserializer);
    }

    private static ArmDayTotals toRecord(final ArmTotals t) {
        return ArmDayTotals.newBuilder()
            .setSamples(t.samples()).setSuccesses(t.successes())
            .setLatencyCount(t.latency().count()).setLatencyMean(t.latency().mean())
            .setLatencySquaredDeviations(t.latency().squaredDeviations())
            .setLatencyDistribution(t.latencies().toBuffer())
            .setTokensCount(t.tokens().count()).setTokensMean(t.tokens().mean())
            .setTokensSquaredDeviations(t.tokens().squaredDeviations())
            .setScoresCount(t.scores().count()).setScoresMean(t.scores().mean())
            .setScoresSquaredDeviations(t.scores().squaredDeviations())
            .setCostsCount(t.costs().count()).setCostsMean(t.costs().mean())
            .setCostsSquaredDeviations(t.costs().squaredDeviations())
            .build();
    }

    private static ArmTotals fromRecord(final ArmDayTotals r) {
        return ArmTotals.of(r.getSamples(), r.getSuccesses(),
            new Moments(r.getLatencyCount(), r.getLatencyMean(), r.getLatencySquaredDeviations()),
            Distribution.fromBuffer(r.getLatencyDistribution()),
            new Moments(r.getTokensCount(), r.getTokensMean(), r.getTokensSquaredDeviations()),
            new Moments(r.getScoresCount(), r.getScoresMean(), r.getScoresSquaredDeviations()),
            new Moments(r.getCostsCount(), r.getCostsMean(), r.getCostsSquaredDeviations()));
    }
}
