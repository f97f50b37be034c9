package dev.switchboard.stats.daily;

import dev.switchboard.events.OutcomeStatus;
import dev.switchboard.events.RequestOutcome;
import dev.switchboard.events.SelectionReason;
import dev.switchboard.schemas.ReleasedSchemas;
import java.io.IOException;
import java.time.Instant;
import java.lang.reflect.Array;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.SchemaStore;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.jspecify.annotations.Nullable;

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
        "shadow", "experiment", "arm", "cost");

    /**
     * The released schema whose field layout the fast path reads field by field, in its order: a record written with
     * it, or with any later release that only added enum symbols (v2 added {@code PINNED}) or the attempt's cost at
     * the end (v3), is read without Avro's generic records, boxing and resolution, which cost a quarter of the
     * topology's time. Records written with any other schema take the general way.
     */
    static final Schema FAST_PATH_SCHEMA = ReleasedSchemas.of(RequestOutcome.class.getSimpleName()).get(0);
    /** The field v3 added after the fast path's layout. */
    private static final String COST = "cost:[null, double]";

    /** What the fast path needs of one writer schema: its enums' symbols in the order it wrote them, and its cost. */
    private record FastPath(long fingerprint, SelectionReason[] reasons, OutcomeStatus[] statuses, boolean costed) {
    }

    /** Every released schema with the fast path's layout; the newest, the one routers write now, first. */
    static final List<Schema> FAST_PATH_SCHEMAS = ReleasedSchemas.of(RequestOutcome.class.getSimpleName()).reversed()
        .stream().filter(schema -> layout(schema).equals(layout(FAST_PATH_SCHEMA)) || costed(schema)).toList();
    private static final FastPath[] FAST_PATHS = FAST_PATH_SCHEMAS.stream()
        .map(schema -> new FastPath(SchemaNormalization.parsingFingerprint64(schema),
            symbols(schema, "selection_reason", SelectionReason.class), symbols(schema, "status", OutcomeStatus.class),
            costed(schema)))
        .toArray(FastPath[]::new);
    /** Single-object encoding: the marker C3 01, then the 8-byte little-endian fingerprint of the writer's schema. */
    private static final int HEADER = 10;

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
        final FastPath fast = fastPathOf(bytes);
        if (fast != null) {
            try {
                return readFastPath(bytes, fast);
            } catch (IOException | RuntimeException e) {
                throw new SerializationException("cannot decode a RequestOutcome from topic " + topic + " ("
                    + bytes.length + " bytes): " + e.getMessage(), e);
            }
        }
        return readResolved(topic, bytes);
    }

    /** Avro's own way, for any writer schema it knows; the fast path must agree with it. */
    OutcomeFacts readResolved(final String topic, final byte[] bytes) {
        final GenericRecord r;
        try {
            r = decoder.decode(bytes);
        } catch (IOException | AvroRuntimeException e) {
            throw new SerializationException("cannot decode a RequestOutcome from topic " + topic + " ("
                + bytes.length + " bytes): " + e.getMessage(), e);
        }
        // Positions follow FIELDS.
        final String experiment = string(r.get(12));
        final SelectionReason reason = SelectionReason.valueOf(r.get(10).toString());
        return new OutcomeFacts(OutcomeFacts.keepsRequestId(experiment, reason) ? string(r.get(0)) : null,
            Instant.ofEpochMilli((Long) r.get(1)), OutcomeStatus.valueOf(r.get(2).toString()), (Integer) r.get(3),
            (Long) r.get(4), (Long) r.get(5), (Integer) r.get(6), (Integer) r.get(7), (Boolean) r.get(8),
            (Integer) r.get(9), reason, (Boolean) r.get(11), experiment, string(r.get(13)), (Double) r.get(14));
    }

    /** Outcomes as the topology reads them: facts are never written, so the serde has no serializer to use. */
    public static Serde<OutcomeFacts> serde() {
        final Serializer<OutcomeFacts> none = (topic, facts) -> {
            throw new UnsupportedOperationException("outcome facts are read from RequestOutcome events, never written");
        };
        return Serdes.serdeFrom(none, new OutcomeFactsDeserializer());
    }

    private static @Nullable FastPath fastPathOf(final byte[] bytes) {
        if (bytes.length < HEADER || bytes[0] != (byte) 0xC3 || bytes[1] != (byte) 0x01) {
            return null;
        }
        long fingerprint = 0;
        for (int i = HEADER - 1; i >= 2; i--) {
            fingerprint = fingerprint << 8 | bytes[i] & 0xFF;
        }
        for (final FastPath fast : FAST_PATHS) {
            if (fast.fingerprint() == fingerprint) {
                return fast;
            }
        }
        return null;
    }

    /** Whether {@code schema} is the fast path's layout with the attempt's cost after it. */
    private static boolean costed(final Schema schema) {
        final List<String> layout = layout(schema);
        return layout.size() == FAST_PATH_SCHEMA.getFields().size() + 1 && layout.getLast().equals(COST)
            && layout.subList(0, layout.size() - 1).equals(layout(FAST_PATH_SCHEMA));
    }

    /** A schema's fields as the fast path reads them: names and types in order, enums whatever their symbols. */
    private static List<String> layout(final Schema schema) {
        return schema.getFields().stream().map(field -> field.name() + ":" + type(field.schema())).toList();
    }

    private static String type(final Schema schema) {
        return switch (schema.getType()) {
            case ENUM -> "enum";
            case UNION -> schema.getTypes().stream().map(OutcomeFactsDeserializer::type).toList().toString();
            default -> schema.getType().getName();
        };
    }

    /** The fields of {@link #FAST_PATH_SCHEMA} in order; {@code OutcomeFactsDeserializerTest} checks the order. */
    private static OutcomeFacts readFastPath(final byte[] bytes, final FastPath fast) throws IOException {
        // request_id comes first: its bytes are located, and made a string only for an experiment's outcome (the
        // one place it is used, to join client scores), not for every outcome.
        int at = HEADER;
        long zigzag = 0;
        for (int shift = 0; ; shift += 7) {
            final int b = bytes[at++] & 0xFF;
            zigzag |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                break;
            }
        }
        final int idLength = Math.toIntExact(zigzag >>> 1 ^ -(zigzag & 1));
        final int idStart = at;
        if (idLength < 0 || idStart + idLength > bytes.length) {
            throw new IOException("request_id runs past the record");
        }
        final BinaryDecoder in = DecoderFactory.get().binaryDecoder(bytes, idStart + idLength,
            bytes.length - idStart - idLength, null);
        final long eventTime = in.readLong();
        for (int i = 0; i < 4; i++) {
            in.skipString(); // category, name, version, model_name: the key says which version
        }
        final SelectionReason reason = fast.reasons()[in.readEnum()];
        final String experiment = in.readIndex() == 0 ? null : in.readString();
        final String arm = in.readIndex() == 0 ? null : in.readString();
        if (in.readIndex() != 0) {
            in.skipString(); // subject_hash
        }
        final OutcomeStatus status = fast.statuses()[in.readEnum()];
        final int httpStatus = in.readInt();
        if (in.readIndex() != 0) {
            in.skipString(); // error_type
        }
        final long latencyMs = in.readLong();
        final Long firstToken = in.readIndex() == 0 ? null : in.readLong();
        final Integer promptTokens = in.readIndex() == 0 ? null : in.readInt();
        final Integer completionTokens = in.readIndex() == 0 ? null : in.readInt();
        final boolean streamed = in.readBoolean();
        final int attempt = in.readInt();
        final boolean shadow = in.readBoolean();
        in.skipString(); // router_instance
        final Double cost = fast.costed() && in.readIndex() != 0 ? in.readDouble() : null;
        final String requestId = OutcomeFacts.keepsRequestId(experiment, reason)
            ? new String(bytes, idStart, idLength, StandardCharsets.UTF_8) : null;
        return new OutcomeFacts(requestId, Instant.ofEpochMilli(eventTime), status, httpStatus, latencyMs,
            firstToken, promptTokens, completionTokens, streamed, attempt, reason, shadow, experiment, arm, cost);
    }

    /** The enum constants in the order of the symbols the schema wrote, by name (UNKNOWN for one unknown here). */
    private static <E extends Enum<E>> E[] symbols(final Schema schema, final String field, final Class<E> type) {
        final List<String> written = schema.getField(field).schema().getEnumSymbols();
        @SuppressWarnings("unchecked")
        final E[] constants = (E[]) Array.newInstance(type, written.size());
        for (int i = 0; i < written.size(); i++) {
            final String symbol = written.get(i);
            constants[i] = Arrays.stream(type.getEnumConstants()).filter(c -> c.name().equals(symbol)).findFirst()
                .orElse(Enum.valueOf(type, "UNKNOWN"));
        }
        return constants;
    }

    private static String string(final Object value) {
        return value == null ? null : value.toString();
    }
}
