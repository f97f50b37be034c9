package dev.switchboard.schemas;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serde for one event type in Avro single-object encoding: a 2-byte marker, the 8-byte fingerprint of
 * the writer's schema, then the binary body. Records written with any released version of the schema are
 * read into the current one; anything else (bad bytes, an unknown fingerprint) is a {@link SerializationException}
 * naming the topic, which Kafka Streams' deserialization handler sends to the dead-letter topic.
 */
public final class AvroEventSerde<T extends SpecificRecord> implements Serde<T>, Serializer<T>, Deserializer<T> {

    private final Class<T> type;
    private final BinaryMessageEncoder<T> encoder;
    private final BinaryMessageDecoder<T> decoder;

    /**
     * A serde for a record that is not a released event, such as a state-store value: it reads only what was
     * written with {@code schema} or with a schema added to the record's own history later.
     */
    public static <T extends SpecificRecord> AvroEventSerde<T> forRecord(final Class<T> type, final Schema schema,
                                                                        final Iterable<Schema> history) {
        return new AvroEventSerde<>(type, schema, history);
    }

    AvroEventSerde(final Class<T> type, final Schema current, final Iterable<Schema> released) {
        this.type = Objects.requireNonNull(type, "type");
        final SpecificData model = SpecificData.getForClass(type);
        final SchemaStore.Cache store = new SchemaStore.Cache();
        released.forEach(store::addSchema);
        this.encoder = new BinaryMessageEncoder<>(model, current);
        this.decoder = new BinaryMessageDecoder<>(model, current, store);
    }

    @Override
    public byte[] serialize(final String topic, final T event) {
        if (event == null) {
            return null;
        }
        try {
            final ByteBuffer buffer = encoder.encode(event);
            if (buffer.hasArray() && buffer.arrayOffset() == 0 && buffer.position() == 0
                && buffer.remaining() == buffer.array().length) {
                return buffer.array(); // the encoder's copy, the event's bytes exactly: no need for another
            }
            final byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException | AvroRuntimeException e) {
            throw new SerializationException("cannot encode a " + type.getSimpleName() + " for topic " + topic, e);
        }
    }

    @Override
    public T deserialize(final String topic, final byte[] bytes) {
        if (bytes == null) {
            return null; // a tombstone on a compacted topic
        }
        try {
            return decoder.decode(bytes);
        } catch (IOException | AvroRuntimeException e) {
            throw new SerializationException("cannot decode a " + type.getSimpleName() + " from topic " + topic
                + " (" + bytes.length + " bytes): " + e.getMessage(), e);
        }
    }

    @Override
    public void configure(final Map<String, ?> configs, final boolean isKey) {
        // nothing to configure: the schemas are fixed at build time
    }

    @Override
    public Serializer<T> serializer() {
        return this;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this;
    }

    @Override
    public void close() {
        // nothing to release; a Serde's close is called once per client and must stay idempotent
    }
}
