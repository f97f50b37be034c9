package dev.switchboard.prober.web;

import dev.switchboard.common.kafka.CompactedTopicView;
import dev.switchboard.events.ProviderVersion;
import dev.switchboard.prober.kafka.PublishedHealth;
import dev.switchboard.prober.schedule.UnknownVersionException;
import dev.switchboard.prober.stats.StatsClient;
import dev.switchboard.schemas.VersionKey;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** Seed 001's health views: every configured version, or one, with its health and last day's traffic. */
@RestController
class ProviderHealthController {

    private final CompactedTopicView<ProviderVersion> versions;
    private final PublishedHealth health;
    private final StatsClient stats;

    ProviderHealthController(final CompactedTopicView<ProviderVersion> versions, final PublishedHealth health,
                             final StatsClient stats) {
        this.versions = versions;
        this.health = health;
        this.stats = stats;
    }

    @GetMapping("/api/providers/health")
    HealthAnswer<List<VersionHealthView>> all() {
        final List<Map.Entry<String, ProviderVersion>> configured = versions.snapshot().entrySet().stream()
            .sorted(Map.Entry.comparingByKey()).toList();
        // One stats call per version, all at once: the list answers as fast as the slowest one.
        final List<Future<VersionHealthView>> views;
        try (ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor()) {
            views = configured.stream()
                .map(entry -> calls.submit(() -> view(VersionKey.parse(entry.getKey()), entry.getValue())))
                .toList();
        } // closing waits for every call
        return HealthAnswer.ok(views.stream().map(Future::resultNow).toList());
    }

    @GetMapping("/api/providers/health/{category}/{name}/{version}")
    HealthAnswer<VersionHealthView> one(@PathVariable final String category, @PathVariable final String name,
                                        @PathVariable final String version) {
        final VersionKey key = key(category, name, version);
        final ProviderVersion config = versions.get(key.toString()).orElseThrow(() -> new UnknownVersionException(key));
        return HealthAnswer.ok(view(key, config));
    }

    private VersionHealthView view(final VersionKey key, final ProviderVersion config) {
        final Optional<PublishedHealth.Published> published = health.of(key);
        return VersionHealthView.of(key, config.getIsActive(), published.map(PublishedHealth.Published::health),
            published.map(PublishedHealth.Published::score), stats.recent(key));
    }

    static VersionKey key(final String category, final String name, final String version) {
        try {
            return new VersionKey(category, name, version);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(e.getMessage());
        }
    }
}
