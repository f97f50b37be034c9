package dev.switchboard.routing.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.common.testing.TestTopics;
import dev.switchboard.routing.RoutingServiceApplication;
import dev.switchboard.schemas.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import tools.jackson.databind.json.JsonMapper;

/**
 * A router whose first seeding of the empty config topics Kafka does not take. Its own fresh broker (the shared
 * one's config topics hold other tests' providers, and seeding happens only into empty ones), started without the
 * audit topic, so the seeding transaction cannot be written until the topic is created: as on a broker still
 * loading its transaction log when the routers start.
 */
class StartupSeedingIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String ADMIN = "seed-admin";
    private static final String BASE = "/api/system-configs/provider/LLM/Seeded";
    private static final String SHARED_BROKER = "spring.embedded.kafka.brokers";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private EmbeddedKafkaKraftBroker broker;
    private ConfigurableApplicationContext router;

    @BeforeEach
    void startBrokerWithoutTheAuditTopic() throws Exception {
        // A started broker publishes its address in system properties, where the shared broker's is: kept as it was.
        final String shared = System.getProperty(SHARED_BROKER);
        broker = new EmbeddedKafkaKraftBroker(1, 1);
        broker.brokerListProperty(StartupSeedingIT.class.getName() + ".brokers");
        broker.brokerProperties(sharedBrokerSettings());
        try {
            broker.afterPropertiesSet();
        } finally {
            if (shared != null) {
                System.setProperty(SHARED_BROKER, shared);
            } else {
                System.clearProperty(SHARED_BROKER);
            }
        }
        TestTopics.create(broker.getBrokersAsString(), topic -> !topic.name().equals(Topics.CONFIG_AUDIT));
    }

    /** The single-node settings the shared test broker starts with (common's test jar). */
    private static Map<String, String> sharedBrokerSettings() throws IOException {
        final Properties settings = new Properties();
        try (InputStream in = StartupSeedingIT.class.getResourceAsStream("/embedded-broker.properties")) {
            settings.load(in);
        }
        final Map<String, String> map = new HashMap<>();
        settings.stringPropertyNames().forEach(name -> map.put(name, settings.getProperty(name)));
        return map;
    }

    @AfterEach
    void stop() {
        if (router != null) {
            router.close();
        }
        broker.destroy();
    }

    @Test
    void shouldSeedOnceKafkaTakesTheWriteAndRefuseChangesUntilThen() throws Exception {
        final Path log = Files.createTempDirectory("startup-seeding").resolve("router.log");
        router = RoutingServiceApplication.builder().run("--server.port=0",
            "--spring.kafka.bootstrap-servers=" + broker.getBrokersAsString(),
            "--switchboard.routing.instance-id=seeding-router",
            "--switchboard.security.admin-token=" + ADMIN,
            "--switchboard.security.client-keys=seed-key",
            "--logging.file.name=" + log,
            "--switchboard.routing.providers[0].category=LLM",
            "--switchboard.routing.providers[0].name=Seeded",
            "--switchboard.routing.providers[0].versions[0].version=v1",
            "--switchboard.routing.providers[0].versions[0].url=http://127.0.0.1:9/v1",
            "--switchboard.routing.providers[0].versions[0].weight=90",
            "--switchboard.routing.providers[0].versions[0].is_default=true",
            "--switchboard.routing.providers[0].versions[1].version=v2",
            "--switchboard.routing.providers[0].versions[1].url=http://127.0.0.1:9/v2",
            "--switchboard.routing.providers[0].versions[1].weight=10");

        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(log)
            && Files.readString(log).contains("Could not seed the provider config topics (attempt 1"));

        // Until seeded, the router routes by its start-up configuration and a change computed from it is refused:
        // written now, it would leave v1 out of topics that do not hold it, and v1 would vanish from routing.
        assertThat(weights()).isEqualTo("v1=90,v2=10");
        final HttpResponse<String> refused = admin("PUT", "/weight", "{\"version\":\"v2\",\"weight\":50}");
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        assertThat(JSON.readTree(refused.body()).path("detail").asString())
            .contains("start-up configuration", "Nothing was changed");
        assertThat(committedValues(Topics.PROVIDER_CONFIG)).isEmpty();

        TestTopics.create(broker.getBrokersAsString(), topic -> topic.name().equals(Topics.CONFIG_AUDIT));

        await().atMost(Duration.ofSeconds(60))
            .until(() -> router.getBean(ConfigStore.class).fromTopics());
        assertThat(committedValues(Topics.PROVIDER_CONFIG)).hasSize(2);
        assertThat(committedValues(Topics.CONFIG_AUDIT)).singleElement().asString().contains("seed");
        final HttpResponse<String> taken = admin("PUT", "/weight", "{\"version\":\"v2\",\"weight\":50}");
        assertThat(taken.statusCode()).as(taken.body()).isEqualTo(200);
        assertThat(weights()).isEqualTo("v1=90,v2=50");
    }

    private String weights() throws Exception {
        final List<String> weights = new ArrayList<>();
        JSON.readTree(admin("GET", "/versions", null).body()).path("data")
            .forEach(v -> weights.add(v.path("version").asString() + "=" + v.path("weight").asInt()));
        return String.join(",", weights);
    }

    private HttpResponse<String> admin(final String method, final String path, final String body) throws Exception {
        final int port = ((WebServerApplicationContext) router).getWebServer().getPort();
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + BASE + path))
            .header("Authorization", "Bearer " + ADMIN).header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(60))
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
            .build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.ISO_8859_1));
    }

    private List<String> committedValues(final String topic) {
        return TestTopics.readCommitted(broker.getBrokersAsString(), topic, new StringDeserializer());
    }
}
