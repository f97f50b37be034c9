package dev.switchboard.stats.alert.stream;

import dev.switchboard.schemas.AvroEventSerde;
import dev.switchboard.schemas.ReleasedSchemas;
import dev.switchboard.stats.alert.Reading;
import dev.switchboard.stats.alert.RuleState;
import dev.switchboard.stats.store.AlertProgress;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/** The Avro serde of the alert states' store (AlertProgress, every released version readable). */
final class AlertStoreSerdes {

    private AlertStoreSerdes() {
    }

    static Serde<RuleState> state() {
        final AvroEventSerde<AlertProgress> avro = AvroEventSerde.forRecord(AlertProgress.class,
            AlertProgress.getClassSchema(), ReleasedSchemas.of(AlertProgress.class.getSimpleName()));
        final Serializer<RuleState> serializer = (topic, state) -> state == null ? null
            : avro.serialize(topic, new AlertProgress(state.status().name(), state.since(), state.firedAt(),
                state.last().value(), state.last().samples(), state.last().breached(), state.last().reason()));
        final Deserializer<RuleState> deserializer = (topic, bytes) -> {
            final AlertProgress stored = avro.deserialize(topic, bytes);
            return stored == null ? null : new RuleState(RuleState.Status.valueOf(stored.getStatus()),
                stored.getSince(), stored.getFiredAt(),
                new Reading(stored.getValue(), stored.getSamples(), stored.getBreached(), stored.getReason()));
        };
        return Serdes.serdeFrom(serializer, deserializer);
    }
}
