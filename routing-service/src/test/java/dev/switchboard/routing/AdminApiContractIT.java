package dev.switchboard.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.common.testing.ApiContract.Operation;
import dev.switchboard.common.testing.ApiContract;
import dev.switchboard.common.testing.TestTopics;
import dev.switchboard.simulator.Knobs;
import dev.switchboard.simulator.SimulatedProvider;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The router's admin API as its OpenAPI description says, on a real broker: the description served at
 * {@code /v3/api-docs} is the committed {@code docs/openapi/routing-service.json}, it names seed 000's paths and
 * fields, and every documented operation is called here and answers what its schema says.
 */
class AdminApiContractIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String ADMIN = "contract-admin";
    /** An approver other than the shared token's operator, to approve what that one proposed. */
    private static final String APPROVER = "contract-approver";
    private static final String BASE = "/api/system-configs/provider";
    private static final String PROVIDER = BASE + "/{category}/{name}";

    private static SimulatedProvider upstream;
    private static TestRouter router;
    private static ApiContract contract;
    private final Set<Operation> called = new TreeSet<>();

    @BeforeAll
    static void start() throws Exception {
        final String brokers = System.getProperty("spring.embedded.kafka.brokers");
        TestTopics.createAll(brokers);
        upstream = SimulatedProvider.start("contract", "127.0.0.1", 0, new Knobs(0, 0, 0, 500, false, 3, 0));
        router = TestRouter.start("contract", ADMIN,
            "--switchboard.security.admin-tokens=approver-b:approver:" + APPROVER);
        contract = ApiContract.of(call("GET", "/v3/api-docs", null).body());
    }

    @AfterAll
    static void stop() {
        router.close();
        upstream.close();
    }

    @Test
    void shouldServeTheCommittedDescription() {
        contract.assertCommittedAs(ApiContract.committed("routing-service"));
    }

    @Test
    void shouldDescribeEveryPathOfSeed000WithItsFieldNames() {
        assertThat(contract.operations()).map(Operation::toString).contains("POST " + BASE,
            "GET " + PROVIDER + "/versions", "GET " + PROVIDER + "/versions/{version}",
            "PUT " + PROVIDER + "/versions/{version}", "DELETE " + PROVIDER + "/versions/{version}",
            "POST " + PROVIDER + "/versions/{version}/{action}", "PUT " + PROVIDER + "/weight",
            "PUT " + PROVIDER + "/default", "GET " + PROVIDER + "/grayscale", "POST " + PROVIDER + "/refresh");
        assertThat(contract.fieldsOf("VersionSummary")).contains("category", "name", "version", "weight",
            "is_active", "is_default", "health_score", "created_at", "updated_at");
        assertThat(contract.fieldsOf("GrayscaleVersion")).contains("version", "weight", "is_active", "is_default",
            "health_score");
        assertThat(contract.fieldsOf("VersionCommand")).contains("category", "name", "version", "type", "model_name",
            "url", "weight", "is_active", "is_default");
        assertThat(contract.fieldsOf("WeightChange")).containsExactly("version", "weight");
    }

    @Test
    void shouldNameAQueryParameterOfTheWrongKindInItsOwnWords() throws Exception {
        final HttpResponse<String> answer = call("GET", "/api/audit?limit=ten", null);

        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(answer.body()).path("detail").asString())
            .isEqualTo("'limit' must be a whole number, got 'ten'");
    }

    @Test
    void shouldAnswerEveryDocumentedOperationAsItsSchemaSays() throws Exception {
        final String llm = BASE + "/LLM/ContractLLM";
        answers("POST", BASE, BASE, 201, version("c1", 100, true));
        answers("POST", BASE, BASE, 201, version("c2", 0, false));
        answers("POST", BASE, BASE, 201, version("c3", 0, false));
        answers("GET", PROVIDER + "/versions", llm + "/versions", 200, null);
        answers("GET", PROVIDER + "/versions/{version}", llm + "/versions/c2", 200, null);
        answers("PUT", PROVIDER + "/versions/{version}", llm + "/versions/c2", 200, "{\"temperature\": 0.5}");
        answers("POST", PROVIDER + "/versions/{version}/{action}", llm + "/versions/c3/deactivate", 200, null);
        answers("DELETE", PROVIDER + "/versions/{version}", llm + "/versions/c3", 204, null);
        answers("PUT", PROVIDER + "/weight", llm + "/weight", 200, "{\"version\": \"c2\", \"weight\": 10}");
        answers("PUT", PROVIDER + "/default", llm + "/default", 200, "{\"version\": \"c1\"}");
        answers("PUT", PROVIDER + "/strategy", llm + "/strategy", 200, "{\"strategy\": \"weight\", \"max_attempts\": 2}");
        answers("PUT", PROVIDER + "/shadow", llm + "/shadow", 200, "{\"candidate\": \"c2\", \"percentage\": 5}");
        answers("GET", PROVIDER + "/grayscale", llm + "/grayscale", 200, null);
        answers("POST", PROVIDER + "/refresh", llm + "/refresh", 200, null);
        answers("GET", "/api/audit", "/api/audit?subject=LLM/ContractLLM", 200, null);
        final String before = Instant.now().toString();
        answers("PUT", PROVIDER + "/change-policy", llm + "/change-policy", 200,
            "{\"max_weight_step\": 5, \"approval_for\": [\"restore\"], \"proposal_ttl_minutes\": 30}");
        final String raise = answers("PUT", PROVIDER + "/weight", llm + "/weight", 202,
            "{\"version\": \"c2\", \"weight\": 50}").path("data").path("id").asString();
        answers("GET", "/api/proposals", "/api/proposals?status=pending&provider=LLM/ContractLLM", 200, null);
        answers("GET", "/api/proposals/{id}", "/api/proposals/" + raise, 200, null);
        answersAs(APPROVER, "POST", "/api/proposals/{id}/approve", "/api/proposals/" + raise + "/approve", 200, null);
        answers("GET", PROVIDER + "/history", llm + "/history?limit=50", 200, null);
        final String restore = answers("POST", PROVIDER + "/restore", llm + "/restore", 202,
            "{\"at\": \"" + before + "\"}").path("data").path("id").asString();
        answersAs(APPROVER, "POST", "/api/proposals/{id}/reject", "/api/proposals/" + restore + "/reject", 200,
            "{\"reason\": \"contract test\"}");
        answers("PUT", PROVIDER + "/change-policy", llm + "/change-policy", 200, "{}");

        final JsonNode model = answers("POST", "/api/models/register", "/api/models/register", 201,
            "{\"algorithm_name\": \"contract\", \"provider\": \"LLM/ContractLLM\", \"version\": \"c2\", "
                + "\"training_params\": {\"lr\": 0.01, \"layers\": [64, 64]}, \"performance_metrics\": {\"auc\": 0.9}}");
        final String modelId = model.path("data").path("model_id").asString();
        answers("GET", "/api/models", "/api/models?algorithm=contract", 200, null);
        answers("GET", "/api/models/{id}", "/api/models/" + modelId, 200, null);
        answers("POST", "/api/models/{id}/promote", "/api/models/" + modelId + "/promote", 200,
            "{\"stage\": \"validated\"}");
        answers("PUT", "/api/models/{id}/tags", "/api/models/" + modelId + "/tags", 200, "{\"tags\": [\"stable\"]}");

        answers("POST", "/api/experiments", "/api/experiments", 201, "{\"experiment_name\": \"contract\", "
            + "\"provider\": \"LLM/ContractLLM\", \"model_a\": \"c1\", \"model_b\": \"" + modelId + "\", "
            + "\"traffic_split\": {\"model_a\": 0.5, \"model_b\": 0.5}, \"success_metric\": \"latency\", "
            + "\"duration_days\": 7}");
        answers("GET", "/api/experiments", "/api/experiments", 200, null);
        answers("GET", "/api/experiments/{name}", "/api/experiments/contract", 200, null);
        answers("POST", "/api/experiments/{name}/feedback", "/api/experiments/contract/feedback", 202,
            "{\"request_id\": \"r-1\", \"score\": 4}");
        answers("POST", "/api/experiments/{name}/{action}", "/api/experiments/contract/stop", 200, null);
        answers("POST", BASE, BASE, 201, version("c4", 0, false));
        answers("POST", "/api/experiments", "/api/experiments", 201, "{\"experiment_name\": \"contract-adaptive\", "
            + "\"provider\": \"LLM/ContractLLM\", \"model_a\": \"c1\", \"model_b\": \"c2\", \"mode\": \"adaptive\", "
            + "\"success_metric\": \"success_rate\", \"duration_days\": 1}");
        final JsonNode added = answers("POST", "/api/experiments/{name}/arms", "/api/experiments/contract-adaptive/arms",
            200, "{\"arm\": \"model_c\", \"version\": \"c4\"}");
        assertThat(added.path("data").path("arms").path("model_c").asString()).isEqualTo("c4");
        assertThat(added.path("data").path("traffic_split").path("model_c").asDouble()).isZero();
        answers("POST", "/api/experiments/{name}/{action}", "/api/experiments/contract-adaptive/stop", 200, null);

        answers("POST", "/api/rollouts", "/api/rollouts", 201, "{\"rollout_id\": \"contract\", \"provider\": "
            + "\"LLM/ContractLLM\", \"candidate\": \"c2\", \"steps\": [{\"percentage\": 10}], \"gates\": "
            + "[{\"metric\": \"error_rate\", \"kind\": \"vs_baseline\", \"limit\": 0.02}]}");
        answers("GET", "/api/rollouts", "/api/rollouts", 200, null);
        answers("GET", "/api/rollouts/{id}", "/api/rollouts/contract", 200, null);
        answers("POST", "/api/rollouts/{id}/feedback", "/api/rollouts/contract/feedback", 202,
            "{\"request_id\": \"r-2\", \"score\": 1}");
        answers("POST", "/api/rollouts/{id}/{action}", "/api/rollouts/contract/abort", 200,
            "{\"reason\": \"contract test\"}");

        answers("POST", "/api/alerts/rules", "/api/alerts/rules", 201, "{\"rule_id\": \"contract-slow\", "
            + "\"provider\": \"LLM/ContractLLM\", \"version\": \"c2\", \"metric\": \"p95_latency_ms\", "
            + "\"comparison\": \"above\", \"threshold\": 10000}");
        answers("GET", "/api/alerts/rules", "/api/alerts/rules", 200, null);
        answers("GET", "/api/alerts/rules/{id}", "/api/alerts/rules/contract-slow", 200, null);
        answers("PUT", "/api/alerts/rules/{id}", "/api/alerts/rules/contract-slow", 200, "{\"provider\": "
            + "\"LLM/ContractLLM\", \"metric\": \"success_rate\", \"comparison\": \"below\", \"threshold\": 0.95}");
        answers("DELETE", "/api/alerts/rules/{id}", "/api/alerts/rules/contract-slow", 204, null);
        answers("POST", "/api/alerts/channels", "/api/alerts/channels", 201, "{\"channel_id\": \"contract-hook\", "
            + "\"kind\": \"webhook\", \"url\": \"http://127.0.0.1:9/hook\", \"secret\": \"s3cret\", "
            + "\"enabled\": false}");
        answers("GET", "/api/alerts/channels", "/api/alerts/channels", 200, null);
        answers("GET", "/api/alerts/channels/{id}", "/api/alerts/channels/contract-hook", 200, null);
        answers("PUT", "/api/alerts/channels/{id}", "/api/alerts/channels/contract-hook", 200, "{\"kind\": "
            + "\"webhook\", \"url\": \"http://127.0.0.1:9/other\", \"enabled\": false}");
        answers("DELETE", "/api/alerts/channels/{id}", "/api/alerts/channels/contract-hook", 204, null);
        answers("GET", "/api/alerts", "/api/alerts?state=firing", 200, null);

        answers("GET", "/api/console/session", "/api/console/session", 200, null);
        answers("GET", "/api/console/providers", "/api/console/providers", 200, null);
        answers("GET", "/api/console/health-history/{category}/{name}/{version}",
            "/api/console/health-history/LLM/ContractLLM/c1", 200, null);

        assertThat(called).as("every documented operation is called here").isEqualTo(contract.operations());
    }

    private JsonNode answers(final String method, final String documented, final String path, final int status,
                             final String body) throws Exception {
        return answersAs(ADMIN, method, documented, path, status, body);
    }

    private JsonNode answersAs(final String token, final String method, final String documented, final String path,
                               final int status, final String body) throws Exception {
        final Operation operation = new Operation(method, documented);
        called.add(operation);
        final HttpResponse<String> answer = router.callAs(token, method, path, body);
        assertThat(answer.statusCode()).as(operation + " at " + path + ": " + answer.body()).isEqualTo(status);
        contract.assertAnswer(operation, status, answer.body());
        return answer.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(answer.body());
    }

    private static String version(final String version, final int weight, final boolean isDefault) {
        return """
            {"category": "LLM", "name": "ContractLLM", "version": "%s", "type": "openai", "model_name": "m-%s",
             "url": "http://127.0.0.1:%d", "weight": %d, "is_active": true, "is_default": %s,
             "temperature": 0.7, "api_key": "sk-contract"}
            """.formatted(version, version, upstream.port(), weight, isDefault);
    }

    private static HttpResponse<String> call(final String method, final String path, final String body)
        throws Exception {
        return router.call(method, path, body);
    }
}
