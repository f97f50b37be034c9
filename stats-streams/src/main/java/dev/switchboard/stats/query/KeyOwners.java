package dev.switchboard.stats.query;

import java.util.Optional;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Which stats-streams instance holds a key of a store: Kafka Streams' own metadata, fed by every instance's
 * {@code application.server}. The daily, minute and late stores of a version are in one task (all are fed by the
 * same outcome partition), so one lookup answers for all three; the shadow stores are fed by another topic, so
 * they are looked up by their own name.
 */
public final class KeyOwners {

    /** Where a version's stats are. */
    public sealed interface Owner {
        /** This instance holds them. */
        record Here() implements Owner {
        }

        /** Another instance does; ask it. */
        record There(HostInfo host) implements Owner {
        }
    }

    private static final Owner HERE = new Owner.Here();

    private final Supplier<KafkaStreams> streams;
    private final HostInfo self;

    /** @param self this instance's {@code application.server} */
    public KeyOwners(final Supplier<KafkaStreams> streams, final HostInfo self) {
        this.streams = streams;
        this.self = self;
    }

    /** @throws StoreNotReadyException while no instance is known to hold the key (starting, rebalancing) */
    public Owner of(final String store, final String key) {
        final KafkaStreams running = streams.get();
        if (running == null) {
            throw new StoreNotReadyException(store, null);
        }
        final KeyQueryMetadata metadata = running.queryMetadataForKey(store, key, Serdes.String().serializer());
        if (metadata == null || KeyQueryMetadata.NOT_AVAILABLE.equals(metadata)) {
            throw new StoreNotReadyException(store, null);
        }
        return Optional.of(metadata.activeHost()).filter(host -> !host.equals(self))
            .<Owner>map(Owner.There::new).orElse(HERE);
    }

    public HostInfo self() {
        return self;
    }
}
