package dev.switchboard.stats.daily;

import dev.switchboard.events.OutcomeStatus;
import dev.switchboard.events.RequestOutcome;
import dev.switchboard.events.SelectionReason;
import dev.switchboard.schemas.ReleasedSchemas;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.SchemaStore;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Reads a {@code RequestOutcome} (Avro single-object encoding, any released version) as its {@link OutcomeFacts}
 * only. The reader schema is the outcome's own with only the fields the stats need, so Avro's schema resolution
 * skips the rest (request id, names, router) without building a string of them. A record that does not decode is
 * a {@link SerializationException}, which sends it to the dead-letter topic, as the full outcome serde does.
 */
public final class OutcomeFactsDeserializer implements Deserializer<OutcomeFacts> {

    /** The fields read, by their Avro names; the order is that of the reader schema. */
    private static final List<String> FIELDS = List.of("request_id", "event_time", "status", "http_status", "latency_ms",
        "time_to_first_token_ms", "prompt_tokens", "completion_tokens", "streamed", "attempt", "selection_reason",
        "shadow", "experiment", "arm");

    private final BinaryMessageDecoder<GenericRecord> decoder;

    public OutcomeFactsDeserializer() {
        final Schema full = RequestOutcome.getClassSchema();
        final Schema facts = Schema.createRecord(full.getName(), full.getDoc(), full.getNamespace(), false,
            FIELDS.stream().map(name -> new Schema.Field(full.getField(name), full.getField(name).schema())).toList());
        final SchemaStore.Cache writers = new SchemaStore.Cache();
        writers.addSchema(full);
        ReleasedSchemas.of(RequestOutcome.class.getSimpleName()).forEach(writers::addSchema);
        this.decoder = new BinaryMessageDecoder<>(GenericData.get(), facts, writers);
    }

    @Override
    public OutcomeFacts deserialize(final String topic, final byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        final GenericRecord r;
        try {
            r = decoder.decode(bytes);
        } catch (IOException | AvroRuntimeException e) {
            throw new SerializationException("cannot decode a RequestOutcome from topic " + topic + " ("
                + bytes.length + " bytes): " + e.getMessage(), e);
        }
        // Positions follow FIELDS.
        return new OutcomeFacts(string(r.get(0)), Instant.ofEpochMilli((Long) r.get(1)),
            OutcomeStatus.valueOf(r.get(2).toString()), (Integer) r.get(3), (Long) r.get(4), (Long) r.get(5),
            (Integer) r.get(6), (Integer) r.get(7), (Boolean) r.get(8), (Integer) r.get(9),
            SelectionReason.valueOf(r.get(10).toString()), (Boolean) r.get(11), string(r.get(12)),
            string(r.get(13)));
    }

    /** Outcomes as the topology reads them: facts are never written, so the serde has no serializer to use. */
    public static Serde<OutcomeFacts> serde() {
        final Serializer<OutcomeFacts> none = (topic, facts) -> {
            throw new UnsupportedOperationException("outcome facts are read from RequestOutcome events, never written");
        };
        return Serdes.serdeFrom(none, new OutcomeFactsDeserializer());
    }

    private static String string(final Object value) {
        return value == null ? null : value.toString();
    }
}
