package dev.switchboard.stats.rollout;

import dev.switchboard.events.Rollout;
import dev.switchboard.rollout.RolloutState;
import dev.switchboard.schemas.AvroEventSerde;
import dev.switchboard.schemas.EventSerdes;
import dev.switchboard.schemas.ReleasedSchemas;
import dev.switchboard.schemas.Topics;
import dev.switchboard.stats.canary.CanaryTotals;
import dev.switchboard.stats.experiment.Moments;
import dev.switchboard.stats.sketch.Distribution;
import dev.switchboard.stats.store.CanarySideTotals;
import dev.switchboard.stats.store.CanaryWindow;
import dev.switchboard.stats.store.RolloutObservation;
import dev.switchboard.stats.store.RolloutProgress;
import java.nio.ByteBuffer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/** The Avro serdes of the rollout streams: observations repartitioned by rollout, rollout states, step totals. */
final class RolloutStoreSerdes {

    private RolloutStoreSerdes() {
    }

    static Serde<RolloutObservation> observation() {
        return avro(RolloutObservation.class, RolloutObservation.getClassSchema());
    }

    public static Serde<RolloutState> state() {
        final AvroEventSerde<RolloutProgress> avro = avro(RolloutProgress.class, RolloutProgress.getClassSchema());
        final Serde<Rollout> plans = EventSerdes.rollout();
        final Serializer<RolloutState> serializer = (topic, state) -> state == null ? null
            : avro.serialize(topic, new RolloutProgress(
                ByteBuffer.wrap(plans.serializer().serialize(Topics.ROLLOUTS, state.plan())), state.status().name(),
                state.step(), state.stepStartedAt(), state.revision()));
        final Deserializer<RolloutState> deserializer = (topic, bytes) -> {
            final RolloutProgress stored = avro.deserialize(topic, bytes);
            if (stored == null) {
                return null;
            }
            final ByteBuffer plan = stored.getPlan();
            final byte[] planBytes = new byte[plan.remaining()];
            plan.get(planBytes);
            return new RolloutState(plans.deserializer().deserialize(Topics.ROLLOUTS, planBytes),
                RolloutState.Status.valueOf(stored.getStatus()), stored.getStep(), stored.getStepStartedAt(),
                stored.getRevision());
        };
        return Serdes.serdeFrom(serializer, deserializer);
    }

    public static Serde<StepTotals> totals() {
        final AvroEventSerde<CanaryWindow> avro = avro(CanaryWindow.class, CanaryWindow.getClassSchema());
        final Serializer<StepTotals> serializer = (topic, totals) -> totals == null ? null
            : avro.serialize(topic, new CanaryWindow(totals.step(), toRecord(totals.baseline()),
                toRecord(totals.candidate())));
        final Deserializer<StepTotals> deserializer = (topic, bytes) -> {
            final CanaryWindow stored = avro.deserialize(topic, bytes);
            return stored == null ? null
                : new StepTotals(stored.getStep(), fromRecord(stored.getBaseline()), fromRecord(stored.getCandidate()));
        };
        return Serdes.serdeFrom(serializer, deserializer);
    }

    private static CanarySideTotals toRecord(final CanaryTotals totals) {
        return new CanarySideTotals(totals.samples(), totals.failures(), totals.latency().toBuffer(),
            totals.timeToFirstToken().toBuffer(), totals.scores().count(), totals.scores().mean(),
            totals.scores().squaredDeviations(), totals.costs().count(), totals.costs().mean(),
            totals.costs().squaredDeviations());
    }

    private static CanaryTotals fromRecord(final CanarySideTotals stored) {
        return new CanaryTotals(stored.getSamples(), stored.getFailures(),
            Distribution.fromBuffer(stored.getLatency()), Distribution.fromBuffer(stored.getTimeToFirstToken()),
            new Moments(stored.getScoresCount(), stored.getScoresMean(), stored.getScoresSquaredDeviations()),
            new Moments(stored.getCostsCount(), stored.getCostsMean(), stored.getCostsSquaredDeviations()));
    }

    private static <T extends org.apache.avro.specific.SpecificRecord> AvroEventSerde<T> avro(
        final Class<T> type, final org.apache.avro.Schema schema) {
        return AvroEventSerde.forRecord(type, schema, ReleasedSchemas.of(type.getSimpleName()));
    }
}
