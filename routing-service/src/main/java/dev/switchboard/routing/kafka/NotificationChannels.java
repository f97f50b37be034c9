package dev.switchboard.routing.kafka;

import dev.switchboard.events.AlertChannel;
import dev.switchboard.events.NotificationKind;
import dev.switchboard.events.Rollout;
import dev.switchboard.routing.controlplane.ConfigEvents;
import dev.switchboard.routing.notify.Backoff;
import dev.switchboard.routing.notify.Channel;
import dev.switchboard.routing.notify.ChannelSender;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link ChannelWorker} per enabled channel, on its own virtual thread, following the channels' topic: a new
 * channel starts delivering, a changed one delivers with its new settings, a deleted or disabled one stops. Nothing
 * here is on a request's path; a channel's troubles stay in its worker.
 */
final class NotificationChannels implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(NotificationChannels.class);
    private static final String GROUP_PREFIX = "switchboard-notify-";

    /** Makes a channel's consumer, in the channel's own group. */
    interface Consumers {
        Consumer<String, byte[]> forGroup(String groupId);
    }

    private record Running(ChannelWorker worker, Thread thread) {
    }

    private final Consumers consumers;
    private final ConfigEvents events;
    private final ChannelSender sender;
    private final Function<String, Optional<Rollout>> rollouts;
    private final MeterRegistry meters;
    private final Backoff backoff;
    private final Duration maxAge;
    private final Clock clock;
    private final Map<String, Running> running = new HashMap<>();
    private boolean closed;

    NotificationChannels(final Consumers consumers, final ConfigEvents events, final ChannelSender sender,
                         final Function<String, Optional<Rollout>> rollouts, final MeterRegistry meters,
                         final Backoff backoff, final Duration maxAge, final Clock clock) {
        this.consumers = consumers;
        this.events = events;
        this.sender = sender;
        this.rollouts = rollouts;
        this.meters = meters;
        this.backoff = backoff;
        this.maxAge = maxAge;
        this.clock = clock;
    }

    /** The channels' topic view calls this for every record it reads: the channel as it is now, or null if deleted. */
    synchronized void apply(final String id, final @Nullable AlertChannel event) {
        if (closed) {
            return;
        }
        final Running current = running.get(id);
        final Channel channel = event == null || !event.getEnabled() ? null : events.toChannel(event).orElse(null);
        final boolean wanted = channel != null;
        if (current != null && wanted) {
            current.worker().update(channel);
        } else if (current != null) {
            stop(id, current);
        } else if (wanted) {
            final ChannelWorker worker = new ChannelWorker(channel, consumers.forGroup(GROUP_PREFIX + id), sender,
                rollouts, this::count, backoff, maxAge, clock);
            running.put(id, new Running(worker, Thread.ofVirtual().name("notify-" + id).start(worker)));
            log.info("{} delivers", channel);
        }
    }

    private void stop(final String id, final Running current) {
        running.remove(id);
        current.worker().stop();
        log.info("Channel {} stopped delivering", id);
    }

    private void count(final String channel, final NotificationKind kind, final String outcome) {
        Counter.builder("switchboard.notifications")
            .description("Notification deliveries per channel and kind: sent, failed (an attempt), retried (sent "
                + "after failing), given_up (too old to try again)")
            .tag("channel", channel).tag("kind", kind.name().toLowerCase(Locale.ROOT)).tag("outcome", outcome)
            .register(meters).increment();
    }

    @Override
    public synchronized void close() throws InterruptedException {
        closed = true;
        final Map<String, Running> all = new HashMap<>(running);
        all.forEach(this::stop);
        for (final Running stopped : all.values()) {
            stopped.thread().join(Duration.ofSeconds(5));
        }
    }
}
