package dev.switchboard.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.common.security.Role;
import dev.switchboard.common.testing.TestTopics;
import dev.switchboard.events.AllocationState;
import dev.switchboard.events.EnrolledBuckets;
import dev.switchboard.events.ExperimentAllocation;
import dev.switchboard.events.ModelStage;
import dev.switchboard.events.RegisteredModel;
import dev.switchboard.schemas.EnrollmentLayout;
import dev.switchboard.schemas.EventSerdes;
import dev.switchboard.schemas.Topics;
import dev.switchboard.simulator.Knobs;
import dev.switchboard.simulator.SimulatedProvider;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Change governance on a real broker: named operators with roles, a provider's change policy sending a large
 * weight raise to an approver, approvals by someone other than the author only, a proposal made stale by a change
 * under it, and a restore to an earlier configuration through the same policy.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GovernanceIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String SHARED = "governance-admin";
    private static final String OPS_A = "ops-a-token";
    private static final String OPS_B = "ops-b-token";
    private static final String OPS_C = "ops-c-token";
    private static final String VIEWER = "watcher-token";
    private static final String PROVIDER = "/api/system-configs/provider/LLM/GovLLM";

    private static SimulatedProvider upstream;
    private static TestRouter router;

    @BeforeAll
    static void start() throws Exception {
        TestTopics.createAll(System.getProperty("spring.embedded.kafka.brokers"));
        upstream = SimulatedProvider.start("governance", "127.0.0.1", 0, new Knobs(0, 0, 0, 500, false, 3, 0));
        router = TestRouter.start("governance", SHARED, "--switchboard.security.admin-tokens=ops-a:operator:" + OPS_A
            + ",ops-b:approver:" + OPS_B + ",ops-c:approver:" + OPS_C + ",watcher:viewer:" + VIEWER,
            "--switchboard.routing.registry.retention=30d", "--switchboard.routing.registry.cleanup-every=500ms");
        for (final String version : List.of("v1", "v2")) {
            final HttpResponse<String> created = router.call("POST", "/api/system-configs/provider", """
                {"category": "LLM", "name": "GovLLM", "version": "%s", "type": "openai", "model_name": "m",
                 "url": "http://127.0.0.1:%d", "weight": %d, "is_active": true, "is_default": %s}
                """.formatted(version, upstream.port(), version.equals("v1") ? 90 : 10, version.equals("v1")));
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        }
    }

    @AfterAll
    static void stop() {
        router.close();
        upstream.close();
    }

    @Test
    @Order(1)
    void shouldLetOnlyAnApproverSetTheChangePolicy() throws Exception {
        final String policy = """
            {"max_weight_step": 20, "approval_for": ["default", "delete"], "proposal_ttl_minutes": 60}""";
        final HttpResponse<String> byOperator = router.callAs(OPS_A, "PUT", PROVIDER + "/change-policy", policy);
        assertThat(byOperator.statusCode()).isEqualTo(403);
        assertThat(byOperator.body()).contains("Operator 'ops-a' has the role operator").contains("needs approver");

        final HttpResponse<String> set = router.callAs(OPS_B, "PUT", PROVIDER + "/change-policy", policy);
        assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
        assertThat(JSON.readTree(set.body()).path("data").path("change_policy").toString())
            .isEqualTo("{\"max_weight_step\":20,\"approval_for\":[\"default\",\"delete\"],\"proposal_ttl_minutes\":60}");

        assertThat(router.callAs(OPS_B, "PUT", PROVIDER + "/change-policy", "{\"approval_for\": [\"everything\"]}")
            .body()).contains("'approval_for': 'everything' is not a change that can need approval");
    }

    @Test
    @Order(2)
    void shouldSendALargeWeightRaiseToAnotherApproverAndApplyItOnlyThen() throws Exception {
        final HttpResponse<String> byViewer = router.callAs(VIEWER, "PUT", PROVIDER + "/weight",
            "{\"version\": \"v2\", \"weight\": 20}");
        assertThat(byViewer.statusCode()).isEqualTo(403);
        assertThat(byViewer.headers().firstValue("Content-Type")).hasValueSatisfying(
            type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(byViewer.body()).contains("Operator 'watcher' has the role viewer");
        assertThat(router.callAs(VIEWER, "GET", PROVIDER + "/grayscale", null).statusCode()).isEqualTo(200);

        final HttpResponse<String> proposed = router.callAs(OPS_A, "PUT", PROVIDER + "/weight",
            "{\"version\": \"v2\", \"weight\": 60}");
        assertThat(proposed.statusCode()).as(proposed.body()).isEqualTo(202);
        final JsonNode proposal = JSON.readTree(proposed.body()).path("data");
        final String id = proposal.path("id").asString();
        assertThat(proposal.path("status").asString()).isEqualTo("pending");
        assertThat(proposal.path("author").asString()).isEqualTo("ops-a");
        assertThat(proposal.path("reasons").get(0).asString())
            .isEqualTo("raises v2's weight by 50 (10 to 60), more than the 20 allowed in one step");
        assertThat(weights()).containsEntry("v2", 10);

        final HttpResponse<String> ownByOperator = router.callAs(OPS_A, "POST", "/api/proposals/" + id + "/approve", null);
        assertThat(ownByOperator.statusCode()).isEqualTo(403);
        assertThat(ownByOperator.body()).contains("needs approver");

        final HttpResponse<String> approved = router.callAs(OPS_B, "POST", "/api/proposals/" + id + "/approve", null);
        assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
        assertThat(JSON.readTree(approved.body()).path("data").path("status").asString()).isEqualTo("applied");
        assertThat(JSON.readTree(approved.body()).path("data").path("decided_by").asString()).isEqualTo("ops-b");
        assertThat(weights()).containsEntry("v1", 90).containsEntry("v2", 60);
        assertThat(router.callAs(OPS_B, "POST", "/api/proposals/" + id + "/approve", null).statusCode())
            .as("applied once").isEqualTo(409);

        final Map<String, Integer> served = serve(300);
        assertThat(served.getOrDefault("v2", 0) / 300.0).as("v2's share of %s at weights 90:60", served)
            .isBetween(0.3, 0.5);

        final List<String> steps = new ArrayList<>();
        JSON.readTree(router.callAs(VIEWER, "GET", "/api/audit?subject=LLM/GovLLM&limit=20", null).body())
            .path("data").forEach(change -> steps.add(0, change.path("actor").asString() + " "
                + change.path("action").asString()));
        assertThat(steps).containsSubsequence("ops-a propose_set_weight", "ops-b approve_proposal", "ops-a set_weight");

        final HttpResponse<String> smallStep = router.callAs(OPS_A, "PUT", PROVIDER + "/weight",
            "{\"version\": \"v2\", \"weight\": 70}");
        assertThat(smallStep.statusCode()).as("a step within the policy's 20 is applied at once").isEqualTo(200);
        assertThat(weights()).containsEntry("v2", 70);
    }

    @Test
    @Order(3)
    void shouldNotLetAnApproverApproveTheirOwnProposal() throws Exception {
        final HttpResponse<String> proposed = router.callAs(OPS_B, "PUT", PROVIDER + "/default",
            "{\"version\": \"v2\"}");
        assertThat(proposed.statusCode()).as(proposed.body()).isEqualTo(202);
        final String id = JSON.readTree(proposed.body()).path("data").path("id").asString();

        final HttpResponse<String> own = router.callAs(OPS_B, "POST", "/api/proposals/" + id + "/approve", null);
        assertThat(own.statusCode()).isEqualTo(403);
        assertThat(own.body()).contains("is ops-b's own; another approver must approve it");

        final HttpResponse<String> withdrawn = router.callAs(OPS_B, "POST", "/api/proposals/" + id + "/reject",
            "{\"reason\": \"not today\"}");
        assertThat(JSON.readTree(withdrawn.body()).path("data").path("status").asString()).isEqualTo("withdrawn");
        assertThat(router.callAs(OPS_C, "POST", "/api/proposals/" + id + "/approve", null).statusCode())
            .isEqualTo(409);
        assertThat(JSON.readTree(router.callAs(VIEWER, "GET", PROVIDER + "/grayscale", null).body()).path("data")
            .path("versions").get(0).path("is_default").asBoolean()).as("v1 still the default").isTrue();
    }

    @Test
    @Order(4)
    void shouldRefuseAProposalTheConfigurationMovedUnder() throws Exception {
        final HttpResponse<String> proposed = router.callAs(OPS_A, "DELETE", PROVIDER + "/versions/v2", null);
        assertThat(proposed.statusCode()).as(proposed.body()).isEqualTo(202);
        final String id = JSON.readTree(proposed.body()).path("data").path("id").asString();
        assertThat(router.callAs(OPS_A, "PUT", PROVIDER + "/weight", "{\"version\": \"v1\", \"weight\": 80}")
            .statusCode()).isEqualTo(200);

        final HttpResponse<String> stale = router.callAs(OPS_B, "POST", "/api/proposals/" + id + "/approve", null);
        assertThat(stale.statusCode()).isEqualTo(409);
        assertThat(stale.body()).contains("configuration changed since proposal " + id);
        assertThat(JSON.readTree(router.callAs(VIEWER, "GET", "/api/proposals/" + id, null).body()).path("data")
            .path("status").asString()).isEqualTo("stale");
        assertThat(weights()).containsKey("v2");
    }

    @Test
    @Order(5)
    void shouldRestoreAnEarlierConfigurationThroughThePolicy() throws Exception {
        final String then = grayscale();
        final Instant restorePoint = Instant.now();
        router.callAs(OPS_A, "PUT", PROVIDER + "/weight", "{\"version\": \"v2\", \"weight\": 30}");
        router.callAs(OPS_A, "PUT", PROVIDER + "/strategy", "{\"strategy\": \"round_robin\", \"max_attempts\": 2}");
        router.callAs(OPS_A, "POST", PROVIDER + "/versions/v2/deactivate", null);
        assertThat(grayscale()).isNotEqualTo(then);

        final HttpResponse<String> history = router.callAs(VIEWER, "GET", PROVIDER + "/history?limit=5", null);
        final JsonNode newest = JSON.readTree(history.body()).path("data").get(0);
        assertThat(newest.path("action").asString()).isEqualTo("deactivate_version");
        assertThat(newest.path("actor").asString()).isEqualTo("ops-a");
        assertThat(newest.path("restorable").asBoolean()).isTrue();
        assertThat(newest.path("before").path("is_active").asBoolean()).isTrue();
        assertThat(newest.path("after").path("is_active").asBoolean()).isFalse();

        final HttpResponse<String> proposed = router.callAs(OPS_A, "POST", PROVIDER + "/restore",
            "{\"at\": \"" + restorePoint + "\"}");
        assertThat(proposed.statusCode()).as(proposed.body()).isEqualTo(202);
        final JsonNode proposal = JSON.readTree(proposed.body()).path("data");
        assertThat(proposal.path("reasons").toString()).contains("raises v2's weight by 40 (30 to 70)");
        assertThat(grayscale()).as("nothing restored before the approval").isNotEqualTo(then);
        final HttpResponse<String> approved = router.callAs(OPS_B, "POST", "/api/proposals/"
            + proposal.path("id").asString() + "/approve", null);
        assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
        assertThat(grayscale()).isEqualTo(then);
        assertThat(JSON.readTree(router.callAs(VIEWER, "GET", PROVIDER + "/history?limit=1", null).body())
            .path("data").get(0).path("action").asString()).isEqualTo("restore");
    }

    /**
     * Seed 002's retention: entries registered long ago (written as an older deployment would have left them) are
     * archived unless deployed or tagged stable; model versions, semver or timestamps, list in their natural order.
     */
    @Test
    @Order(6)
    void shouldArchiveOldRegistryEntriesButKeepStableAndDeployedOnesInNaturalVersionOrder() throws Exception {
        final Instant longAgo = Instant.now().minus(Duration.ofDays(400));
        for (final RegisteredModel old : List.of(oldModel("old_plain", ModelStage.VALIDATED, List.of(), longAgo),
                oldModel("old_stable", ModelStage.VALIDATED, List.of("stable"), longAgo),
                oldModel("old_deployed", ModelStage.DEPLOYED, List.of(), longAgo))) {
            publish(Topics.MODEL_REGISTRY, old.getModelId(),
                EventSerdes.registeredModel().serialize(Topics.MODEL_REGISTRY, old));
        }
        for (final String version : List.of("1.10.0", "1.9.2", "v2.0.0-rc.1", "2.0.0")) {
            final HttpResponse<String> registered = router.callAs(OPS_A, "POST", "/api/models/register", """
                {"algorithm_name": "keeper", "provider": "LLM/GovLLM", "version": "v1", "model_version": "%s"}
                """.formatted(version));
            assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
        }
        assertThat(router.callAs(OPS_A, "POST", "/api/models/register", """
            {"algorithm_name": "keeper", "provider": "LLM/GovLLM", "version": "v1", "model_version": "newest"}""")
            .body()).contains("'model_version': 'newest' is neither a semantic version");

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(modelIds("?algorithm=retention"))
            .containsExactlyInAnyOrder("old_stable", "old_deployed"));
        final JsonNode all = JSON.readTree(router.callAs(VIEWER, "GET", "/api/models?algorithm=retention&archived=true",
            null).body()).path("data");
        assertThat(all.findValuesAsString("model_id")).contains("old_plain");
        all.forEach(model -> assertThat(model.path("tags").toString().contains("archived"))
            .as("%s", model).isEqualTo(model.path("model_id").asString().equals("old_plain")));

        final List<String> versions = new ArrayList<>();
        JSON.readTree(router.callAs(VIEWER, "GET", "/api/models?algorithm=keeper", null).body()).path("data")
            .forEach(model -> versions.add(model.path("model_version").asString()));
        assertThat(versions).containsExactly("1.9.2", "1.10.0", "v2.0.0-rc.1", "2.0.0");
    }

    /**
     * An adaptive experiment's winner on a provider whose policy wants a default switch approved: the promotion
     * waits as one proposal (the decision delivered twice makes no second), the experiment keeps running, so its
     * last decision keeps everyone on the winner, and the approval both promotes and stops it.
     */
    @Test
    @Order(8)
    void shouldKeepAnExperimentRunningUntilItsWinnersPromotionIsApproved() throws Exception {
        final String provider = "/api/system-configs/provider/LLM/GovSearch";
        for (final String version : List.of("v1", "v2")) {
            assertThat(router.callAs(OPS_A, "POST", "/api/system-configs/provider", """
                {"category": "LLM", "name": "GovSearch", "version": "%s", "type": "openai", "model_name": "m",
                 "url": "http://127.0.0.1:%d", "weight": %d, "is_active": true, "is_default": %s}
                """.formatted(version, upstream.port(), version.equals("v1") ? 100 : 0, version.equals("v1")))
                .statusCode()).isEqualTo(201);
        }
        assertThat(router.callAs(OPS_B, "PUT", provider + "/change-policy",
            "{\"max_weight_step\": 50, \"approval_for\": [\"default\"]}")
            .statusCode()).isEqualTo(200);
        final HttpResponse<String> registered = router.callAs(OPS_A, "POST", "/api/models/register", """
            {"algorithm_name": "searcher", "provider": "LLM/GovSearch", "version": "v2", "model_version": "2.0.0"}""");
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
        final String model = JSON.readTree(registered.body()).path("data").path("model_id").asString();
        assertThat(router.callAs(OPS_A, "POST", "/api/models/" + model + "/promote", "{\"stage\": \"validated\"}")
            .statusCode()).isEqualTo(200);
        final HttpResponse<String> created = router.callAs(OPS_A, "POST", "/api/experiments", """
            {"experiment_name": "gov-search", "provider": "LLM/GovSearch", "model_a": "v1", "model_b": "v2",
             "success_metric": "success_rate", "duration_days": 1, "mode": "adaptive", "promote_winner": true}""");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

        final ExperimentAllocation bestFound = ExperimentAllocation.newBuilder().setEventId("gov-search-9")
            .setExperiment("gov-search").setCategory("LLM").setProvider("GovSearch").setSequence(9).setPeriod(9)
            .setOutcomesSeen(900).setLateOutcomes(0).setState(AllocationState.BEST_FOUND).setWinner("model_b")
            .setReason("model_b is the best arm with confidence 0.95: every other arm was eliminated")
            .setMetric("success_rate").setConfidence(0.95).setArms(List.of())
            .setLayout(List.of(new EnrolledBuckets(0, EnrollmentLayout.BUCKETS, "model_b")))
            .setDecidedAt(Instant.now()).build();
        publish(Topics.EXPERIMENT_ALLOCATIONS, "gov-search",
            EventSerdes.experimentAllocation().serialize(Topics.EXPERIMENT_ALLOCATIONS, bestFound));
        final String id = await().atMost(Duration.ofSeconds(30)).until(() -> pendingPromotions("GovSearch"),
            ids -> ids.size() == 1).get(0);
        publish(Topics.EXPERIMENT_ALLOCATIONS, "gov-search", // delivered again, as after a router's failure
            EventSerdes.experimentAllocation().serialize(Topics.EXPERIMENT_ALLOCATIONS, bestFound));
        assertThat(JSON.readTree(router.callAs(VIEWER, "GET", "/api/proposals/" + id, null).body()).path("data")
            .path("reasons").toString()).contains("makes v2 the default").contains("raises v2's weight by 100");
        assertThat(experimentStatus("gov-search")).as("running while the promotion waits").isEqualTo("running");

        final HttpResponse<String> approved = router.callAs(OPS_B, "POST", "/api/proposals/" + id + "/approve", null);
        assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
        final JsonNode versions = JSON.readTree(router.callAs(VIEWER, "GET", provider + "/grayscale", null).body())
            .path("data").path("versions");
        assertThat(versions.valueStream().map(v -> v.path("version").asString() + " " + v.path("weight").asInt()
            + (v.path("is_default").asBoolean() ? " default" : "")).toList()).containsExactly("v1 0", "v2 100 default");
        assertThat(experimentStatus("gov-search")).isEqualTo("stopped");
        assertThat(pendingPromotions("GovSearch")).as("the redelivered decision proposed nothing more").isEmpty();
        final JsonNode winner = JSON.readTree(router.callAs(VIEWER, "GET", "/api/models/" + model, null).body())
            .path("data");
        assertThat(winner.path("stage").asString()).as("the winner's registered model").isEqualTo("deployed");
        assertThat(winner.path("tags").toString()).contains("stable");
        final List<String> steps = new ArrayList<>();
        JSON.readTree(router.callAs(VIEWER, "GET", "/api/audit?subject=LLM/GovSearch&limit=20", null).body())
            .path("data").forEach(change -> steps.add(0, change.path("actor").asString() + " "
                + change.path("action").asString()));
        assertThat(steps).containsSubsequence("experiment:gov-search propose_promote_winner", "ops-b approve_proposal",
            "experiment:gov-search promote_winner");
    }

    private static List<String> pendingPromotions(final String provider) throws Exception {
        final List<String> ids = new ArrayList<>();
        JSON.readTree(router.callAs(VIEWER, "GET", "/api/proposals?status=pending&provider=LLM/" + provider, null)
            .body()).path("data").forEach(p -> {
                if (p.path("action").asString().equals("promote_winner")) {
                    ids.add(p.path("id").asString());
                }
            });
        return ids;
    }

    private static String experimentStatus(final String name) throws Exception {
        return JSON.readTree(router.callAs(VIEWER, "GET", "/api/experiments/" + name, null).body()).path("data")
            .path("status").asString();
    }

    private static void publish(final String topic, final String key, final byte[] value) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                System.getProperty("spring.embedded.kafka.brokers")), new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        }
    }

    private static List<String> modelIds(final String query) throws Exception {
        return JSON.readTree(router.callAs(VIEWER, "GET", "/api/models" + query, null).body()).path("data")
            .findValuesAsString("model_id");
    }

    private static RegisteredModel oldModel(final String id, final ModelStage stage, final List<String> tags,
                                            final Instant at) {
        return RegisteredModel.newBuilder().setModelId(id).setAlgorithmName("retention").setCategory("LLM")
            .setProvider("GovLLM").setVersion("v1").setTrainingParams("{}").setPerformanceMetrics(Map.of())
            .setCreatedBy("an older deployment").setCreatedAt(at).setStage(stage).setStageChangedAt(at)
            .setStageChangedBy("an older deployment").setTags(tags).build();
    }

    /**
     * Every admin endpoint, found from the router's own request mappings (so one added later is checked too): none
     * answers without a token, a viewer may call the reads only, and approving or changing a change policy needs an
     * approver. Endpoints outside {@code /api} are only the console's page and the API description.
     */
    @Test
    @Order(7)
    void shouldCheckTheRoleOfEveryAdminEndpoint() throws Exception {
        final List<String> checked = new ArrayList<>();
        final List<String> outsideApi = new ArrayList<>();
        for (final TestRouter.Endpoint endpoint : router.endpoints()) {
            if (!endpoint.pattern().startsWith("/api/")) {
                outsideApi.add(endpoint.pattern());
                continue;
            }
            checkRoles(endpoint.method(), endpoint.pattern());
            checked.add(endpoint.toString());
        }
        assertThat(checked).as("admin endpoints found").hasSizeGreaterThan(40)
            .contains("POST /api/proposals/{id}/approve", "PUT /api/system-configs/provider/{category}/{name}/weight");
        assertThat(outsideApi).allMatch(path -> path.startsWith("/console") || path.startsWith("/v3/api-docs"),
            "the console's pages and the API description only");
        System.out.println("Roles checked on " + checked.size() + " admin endpoint methods: " + checked);
    }

    /** The role each endpoint needs: reads a viewer's, approvals and change policies an approver's, the rest an operator's. */
    private static Role expectedRole(final String method, final String pattern) {
        if (method.equals("GET")) {
            return Role.VIEWER;
        }
        return pattern.endsWith("/approve") || pattern.endsWith("/change-policy") ? Role.APPROVER : Role.OPERATOR;
    }

    private static void checkRoles(final String method, final String pattern) throws Exception {
        final String path = TestRouter.path(pattern, "x");
        final String call = method + " " + pattern + " (" + path + ")";
        final Role needed = expectedRole(method, pattern);
        assertThat(router.callAs(null, method, path, "{}").statusCode()).as("%s without a token", call).isEqualTo(401);
        final HttpResponse<String> asViewer = router.callAs(VIEWER, method, path, "{}");
        if (needed == Role.VIEWER) {
            assertThat(asViewer.statusCode()).as("%s by a viewer: %s", call, asViewer.body()).isNotIn(401, 403);
        } else {
            assertThat(asViewer.statusCode()).as("%s by a viewer", call).isEqualTo(403);
            assertThat(asViewer.body()).as(call).contains("needs " + needed.label());
        }
        if (needed == Role.APPROVER) {
            assertThat(router.callAs(OPS_A, method, path, "{}").statusCode()).as("%s by an operator", call)
                .isEqualTo(403);
        }
    }

    private static String grayscale() throws Exception {
        return JSON.readTree(router.callAs(VIEWER, "GET", PROVIDER + "/grayscale", null).body()).path("data").toString();
    }

    private static Map<String, Integer> weights() throws Exception {
        final Map<String, Integer> weights = new HashMap<>();
        JSON.readTree(router.callAs(VIEWER, "GET", PROVIDER + "/grayscale", null).body()).path("data").path("versions")
            .forEach(v -> weights.put(v.path("version").asString(), v.path("weight").asInt()));
        return weights;
    }

    /** Sends {@code requests} chats and counts the versions that answered them. */
    private static Map<String, Integer> serve(final int requests) throws Exception {
        final Map<String, Integer> served = new HashMap<>();
        for (int i = 0; i < requests; i++) {
            final HttpResponse<String> answer = router.callAs("governance-key", "POST", "/v1/chat/completions",
                "{\"model\": \"GovLLM\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}");
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            served.merge(answer.headers().firstValue("X-Switchboard-Version").orElse("?"), 1, Integer::sum);
        }
        return served;
    }
}
