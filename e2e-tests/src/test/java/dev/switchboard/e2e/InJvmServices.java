package dev.switchboard.e2e;

import static org.awaitility.Awaitility.await;

import dev.switchboard.common.testing.FreePorts;
import dev.switchboard.prober.HealthProberApplication;
import dev.switchboard.routing.RoutingServiceApplication;
import dev.switchboard.stats.StatsStreamsApplication;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * stats-streams, the health prober and the router started in the test JVM on the tests' KRaft broker
 * (spring-kafka-test's global one), wired to each other; each test adds its own settings (tokens, cadences).
 */
final class InJvmServices {

    private InJvmServices() {
    }

    /** stats-streams with an application id and a state directory of its own, named after {@code test}. */
    static ConfigurableApplicationContext stats(final String test, final String... settings) throws IOException {
        return StatsStreamsApplication.builder().run(with(settings, "--server.port=" + FreePorts.any(),
            "--spring.kafka.bootstrap-servers=" + brokers(),
            "--spring.kafka.streams.application-id=" + test + "-stats-" + UUID.randomUUID(),
            "--spring.kafka.streams.state-dir=" + Files.createTempDirectory("switchboard-stats-" + test)));
    }

    /** The prober, asking {@code stats} for its figures. */
    static ConfigurableApplicationContext prober(final ConfigurableApplicationContext stats, final String... settings) {
        return HealthProberApplication.builder().run(with(settings, "--server.port=0",
            "--spring.kafka.bootstrap-servers=" + brokers(),
            "--switchboard.prober.stats-url=" + LocalCalls.base(stats)));
    }

    /** The router, relaying {@code stats}' and {@code prober}'s APIs. */
    static ConfigurableApplicationContext router(final ConfigurableApplicationContext stats,
                                                 final ConfigurableApplicationContext prober,
                                                 final String... settings) {
        return RoutingServiceApplication.builder().run(with(settings, "--server.port=0",
            "--spring.kafka.bootstrap-servers=" + brokers(),
            "--switchboard.routing.stats-url=" + LocalCalls.base(stats),
            "--switchboard.routing.prober-url=" + LocalCalls.base(prober)));
    }

    /** Waits until every one of {@code services} says it is ready for traffic. */
    static void awaitReady(final HttpClient http, final ConfigurableApplicationContext... services) {
        for (final ConfigurableApplicationContext service : services) {
            await().atMost(Duration.ofSeconds(60)).until(() -> LocalCalls.send(http, "GET",
                LocalCalls.base(service) + "/actuator/health/readiness", null, null).statusCode() == 200);
        }
    }

    /** Closes each of {@code services} that was started, in the order given. */
    static void close(final ConfigurableApplicationContext... services) {
        for (final ConfigurableApplicationContext service : services) {
            if (service != null) {
                service.close();
            }
        }
    }

    private static String brokers() {
        return System.getProperty("spring.embedded.kafka.brokers");
    }

    private static String[] with(final String[] settings, final String... common) {
        final List<String> all = new ArrayList<>(List.of(common));
        all.addAll(List.of(settings));
        return all.toArray(String[]::new);
    }
}
