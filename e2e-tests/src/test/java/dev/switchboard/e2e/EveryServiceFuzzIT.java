package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.common.testing.FuzzedInputs;
import dev.switchboard.common.testing.TestTopics;
import dev.switchboard.schemas.Topics;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * stats-streams' and the health prober's admin endpoints, every one found from the service's own mappings, fuzzed
 * with the inputs the router's {@code AdminFuzzIT} sends (jqwik): malformed and truncated JSON, wrong types, huge
 * numbers, deep nesting, long and odd Unicode, {@code ..} and {@code %2F} in path segments, oversized bodies, bad
 * query parameters. Every answer is below 500 and every refusal a JSON body that says what is wrong, and neither
 * service wrote anything to the topics it writes on an operator's behalf.
 */
class EveryServiceFuzzIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String ADMIN = "fuzz-admin-" + UUID.randomUUID();
    /**
     * The topics an operator's change through either service is written to (the prober's health check settings
     * and the audit trail; the health events it publishes by itself are not a change).
     */
    private static final List<String> WRITTEN = List.of(Topics.HEALTH_CHECK_CONFIG, Topics.CONFIG_AUDIT);
    private static final FuzzedInputs.Tally TALLY = new FuzzedInputs.Tally();
    private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** One endpoint of one service. */
    record Endpoint(String service, String base, String method, String pattern) {

        @Override
        public String toString() {
            return service + " " + method + " " + pattern;
        }
    }

    private static ConfigurableApplicationContext stats;
    private static ConfigurableApplicationContext prober;
    private static List<Endpoint> endpoints;
    private static Map<TopicPartition, Long> writtenBefore;

    @BeforeContainer
    static void start() throws Exception {
        TestTopics.createAll(System.getProperty("spring.embedded.kafka.brokers"));
        stats = InJvmServices.stats("fuzz", "--switchboard.stats.admin-token=" + ADMIN);
        prober = InJvmServices.prober(stats, "--switchboard.prober.admin-token=" + ADMIN);
        InJvmServices.awaitReady(http, stats, prober);
        final List<Endpoint> found = new ArrayList<>();
        for (final ConfigurableApplicationContext service : List.of(stats, prober)) {
            final String name = service.getEnvironment().getProperty("spring.application.name");
            ServiceMappings.servlet(service).stream().filter(mapping -> mapping[1].startsWith("/api/"))
                .forEach(mapping -> found.add(new Endpoint(name, LocalCalls.base(service), mapping[0], mapping[1])));
        }
        endpoints = List.copyOf(found);
        writtenBefore = endOffsets();
    }

    @AfterContainer
    static void stop() throws Exception {
        try {
            TALLY.reportAndCheck(endpoints.stream().map(Endpoint::toString).toList());
            assertThat(endOffsets()).as("what the services wrote while fuzzed: nothing").isEqualTo(writtenBefore);
        } finally {
            prober.close();
            stats.close();
        }
    }

    @Property(tries = 700)
    void shouldAnswerAFuzzedBodyWithAClearErrorAndNo5xx(@ForAll("endpoints") final Endpoint endpoint,
        @ForAll @From(supplier = FuzzedInputs.PathSegments.class) final String segment, @ForAll("bodies") final String body) throws Exception {
        check(endpoint, path(endpoint, segment), body);
    }

    @Property(tries = 300)
    void shouldAnswerFuzzedPathsAndQueriesWithAClearErrorAndNo5xx(@ForAll("endpoints") final Endpoint endpoint,
        @ForAll @From(supplier = FuzzedInputs.PathSegments.class) final String segment, @ForAll @From(supplier = FuzzedInputs.QueryValues.class) final String query) throws Exception {
        check(endpoint, path(endpoint, segment) + "?from=%s&to=%s&minutes=%s&limit=%s&provider=%s&state=%s"
            .formatted(query, query, query, query, query, query), "{}");
    }

    @Provide
    Arbitrary<Endpoint> endpoints() {
        return Arbitraries.of(endpoints);
    }

    /** Bodies no endpoint may take, with the two services' own field names given values of the wrong kinds. */
    @Provide
    Arbitrary<String> bodies() {
        return FuzzedInputs.bodies(List.of("interval_minutes", "interval_seconds", "max_error_count",
            "retry_after_hours", "retry_after_seconds", "enabled", "version", "provider", "category", "name", "from",
            "to", "minutes", "experiment", "arms"));
    }

    /** The pattern with every path variable given the segment, whatever its own pattern would have accepted. */
    private static String path(final Endpoint endpoint, final String segment) {
        return endpoint.pattern().replaceAll("\\{[^/]*}", Matcher.quoteReplacement(segment)).replace("/**", "/"
            + segment);
    }

    private static void check(final Endpoint endpoint, final String path, final String body) throws Exception {
        final HttpResponse<String> answer = LocalCalls.send(http, endpoint.method(), endpoint.base() + path, body,
            ADMIN);
        TALLY.answered(endpoint.toString(), answer.statusCode());
        assertThat(answer.statusCode()).as("%s %s with %s: %s", endpoint.method(), FuzzedInputs.abbreviated(path),
            FuzzedInputs.abbreviated(body), FuzzedInputs.abbreviated(answer.body())).isLessThan(500);
        if (answer.statusCode() >= 400) {
            assertThat(answer.headers().firstValue("Content-Type").orElse("")).as("%s %s (%d): %s", endpoint.method(),
                FuzzedInputs.abbreviated(path), answer.statusCode(), FuzzedInputs.abbreviated(answer.body()))
                .contains("json");
            final JsonNode error = JSON.readTree(answer.body());
            assertThat(error.path("detail").asString()).as("what %s %s says is wrong (%d): %s", endpoint.method(),
                FuzzedInputs.abbreviated(path), answer.statusCode(), FuzzedInputs.abbreviated(answer.body()))
                .isNotBlank();
        }
    }

    private static Map<TopicPartition, Long> endOffsets() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                System.getProperty("spring.embedded.kafka.brokers")))) {
            final Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            admin.describeTopics(WRITTEN).allTopicNames().get().forEach((topic, description) ->
                description.partitions().forEach(p -> latest.put(new TopicPartition(topic, p.partition()),
                    OffsetSpec.latest())));
            final Map<TopicPartition, Long> offsets = new HashMap<>();
            admin.listOffsets(latest).all().get().forEach((partition, info) -> offsets.put(partition, info.offset()));
            return offsets;
        }
    }
}
