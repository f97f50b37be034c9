package dev.switchboard.stats.daily;

import dev.switchboard.schemas.AvroEventSerde;
import dev.switchboard.schemas.ReleasedSchemas;
import dev.switchboard.stats.store.VersionLateOutcomes;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/** Stores {@link LateOutcomes} as Avro single-object records, like the other stores. */
final class LateOutcomesSerde {

    private LateOutcomesSerde() {
    }

    static Serde<LateOutcomes> create() {
        final AvroEventSerde<VersionLateOutcomes> avro = AvroEventSerde.forRecord(VersionLateOutcomes.class,
            VersionLateOutcomes.getClassSchema(), ReleasedSchemas.of(VersionLateOutcomes.class.getSimpleName()));
        final Serializer<LateOutcomes> serializer = (topic, late) -> {
            if (late == null) {
                return null;
            }
            final Map<String, Long> byDay = new HashMap<>();
            late.byDay().forEach((day, count) -> byDay.put(day.toString(), count));
            return avro.serialize(topic, new VersionLateOutcomes(byDay));
        };
        final Deserializer<LateOutcomes> deserializer = (topic, bytes) -> {
            final VersionLateOutcomes record = avro.deserialize(topic, bytes);
            if (record == null) {
                return null;
            }
            final Map<LocalDate, Long> byDay = new HashMap<>();
            record.getByDay().forEach((day, count) -> byDay.put(LocalDate.parse(day), count));
            return new LateOutcomes(byDay);
        };
        return Serdes.serdeFrom(serializer, deserializer);
    }
}
