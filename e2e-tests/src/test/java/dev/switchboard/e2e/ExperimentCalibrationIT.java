package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static dev.switchboard.e2e.LocalCalls.base;
import static org.awaitility.Awaitility.await;

import dev.switchboard.routing.RoutingServiceApplication;
import dev.switchboard.simulator.Knobs;
import dev.switchboard.simulator.SimulatedProvider;
import dev.switchboard.stats.StatsStreamsApplication;
import dev.switchboard.stats.experiment.ExperimentDesign;
import dev.switchboard.stats.experiment.SampleSize;
import dev.switchboard.stats.experiment.Significance;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.apache.commons.math3.distribution.BinomialDistribution;
import org.apache.commons.math3.distribution.ChiSquaredDistribution;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The experiments issue's calibration once end to end: A/A experiments between two identical simulator versions
 * (10% errors each) and experiments against a version with 5 points more errors, each created through the admin
 * API, fed by clients through the router (one request per user, sticky assignment), folded by stats-streams from
 * the real outcome topic and judged by its results endpoint.
 * <p>
 * Every run's results must equal what the clients saw (samples and first-attempt successes per arm, from the
 * {@code X-Switchboard-Arm} and {@code X-Switchboard-Attempts} headers) and the statistics core's p-value of those
 * counts: the pipeline neither loses, double-counts nor misassigns. The rates are then one draw each; CI runs a
 * small set and holds them to bounds a correct pipeline breaks once in 10,000 runs; the full size (200
 * runs each, 750 per arm) is {@code -Dcalibration.aa-runs=200 -Dcalibration.aa-sample=750
 * -Dcalibration.power-runs=200}, and its figures are in the closing note and the README.
 */
@Order(2)
class ExperimentCalibrationIT {

    private static final Logger log = LoggerFactory.getLogger(ExperimentCalibrationIT.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String ADMIN = "calibration-admin-token";
    private static final String CLIENT = "calibration-client-key";
    private static final String PROVIDER = "LLM/Calibration";
    private static final int AA_RUNS = Integer.getInteger("calibration.aa-runs", 30);
    private static final int AA_SAMPLE = Integer.getInteger("calibration.aa-sample", 100);
    private static final int POWER_RUNS = Integer.getInteger("calibration.power-runs", 6);
    private static final double ERROR_RATE = 0.10;
    /** Seed 002's documented size for 10% vs 15% errors at alpha 0.05 and 80% power: 750 per arm. */
    private static final long DOCUMENTED = SampleSize.forProportions(1 - ERROR_RATE,
        ExperimentDesign.DEFAULT_MINIMUM_EFFECT, ExperimentDesign.DEFAULT_ALPHA, ExperimentDesign.DEFAULT_POWER);
    /** Bounds a correct pipeline misses with probability 1e-4. */
    private static final double MISS = 1e-4;
    private static final int CONCURRENCY = 48;

    private static final List<SimulatedProvider> simulators = new ArrayList<>();
    private static ConfigurableApplicationContext stats;
    private static ConfigurableApplicationContext router;
    private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** What the clients of one experiment saw, per arm: requests, and those answered at the first attempt. */
    private record Run(String name, long controlSamples, long controlSuccesses, long candidateSamples,
                       long candidateSuccesses) {
    }

    /** What stats-streams judged of one run. */
    private record Judged(Run run, double pValue, String verdict, boolean sampleRatioMismatch) {
    }

    @BeforeAll
    static void startTheSystem() throws Exception {
        final String brokers = System.getProperty("spring.embedded.kafka.brokers");
        final SimulatedProvider control = simulator("control", ERROR_RATE);
        final SimulatedProvider twin = simulator("twin", ERROR_RATE);
        final SimulatedProvider worse = simulator("worse", ERROR_RATE + 0.05);
        stats = StatsStreamsApplication.builder().run(
            "--server.port=0",
            "--spring.kafka.bootstrap-servers=" + brokers,
            "--spring.kafka.streams.application-id=calibration-stats-" + UUID.randomUUID(),
            "--spring.kafka.streams.state-dir=" + Files.createTempDirectory("switchboard-stats-calibration"),
            "--switchboard.stats.admin-token=" + ADMIN);
        // No prober, and no passive ejection: a version's errors are the experiment's data here, not a reason to
        // take it out of the experiment.
        router = RoutingServiceApplication.builder().run(
            "--server.port=0",
            "--spring.kafka.bootstrap-servers=" + brokers,
            "--switchboard.security.client-keys=" + CLIENT,
            "--switchboard.security.admin-token=" + ADMIN,
            "--switchboard.routing.stats-url=" + base(stats),
            "--switchboard.routing.outliers.consecutive-failures=1000000");
        // Through the admin API: start-up providers are only written to config topics that are still empty. A
        // router takes changes once it has read the config topics.
        InJvmServices.awaitReady(http, router);
        addVersion("control", control, true);
        addVersion("twin", twin, false);
        addVersion("worse", worse, false);
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() ->
            assertThat(send("GET", base(stats) + "/actuator/health", null, null).body()).contains("\"UP\""));
    }

    private static void addVersion(final String version, final SimulatedProvider simulator, final boolean isDefault)
        throws Exception {
        LocalCalls.addSimulatedVersion(http, base(router), ADMIN, "LLM", "Calibration", version, simulator.port(), 50,
            isDefault);
    }

    private static SimulatedProvider simulator(final String name, final double errorRate) throws Exception {
        final SimulatedProvider simulator = SimulatedProvider.start(name, "127.0.0.1", 0,
            new Knobs(1, 0.1, errorRate, 500, false, 6, 0));
        simulators.add(simulator);
        return simulator;
    }

    @AfterAll
    static void stopTheSystem() {
        InJvmServices.close(router, stats);
        simulators.forEach(SimulatedProvider::close);
    }

    @Test
    void aaExperimentsAreFalselySignificantNoMoreOftenThanAlphaAndAFivePointWorseErrorRateIsDetected()
        throws Exception {
        final List<Run> aa = new ArrayList<>();
        for (int i = 0; i < AA_RUNS; i++) {
            aa.add(run("aa-" + i, "twin", AA_SAMPLE));
        }
        final List<Run> power = new ArrayList<>();
        for (int i = 0; i < POWER_RUNS; i++) {
            power.add(run("power-" + i, "worse", DOCUMENTED));
        }

        final List<Judged> aaJudged = aa.stream().map(ExperimentCalibrationIT::judged).toList();
        final List<Judged> powerJudged = power.stream().map(ExperimentCalibrationIT::judged).toList();
        final long falseAlarms = aaJudged.stream().filter(j -> !j.verdict().equals("no_detectable_difference"))
            .count();
        final long mismatches = aaJudged.stream().filter(Judged::sampleRatioMismatch).count();
        final long detected = powerJudged.stream().filter(j -> j.verdict().equals("candidate_worse")).count();
        final double dispersion = dispersion(aa);
        log.info("End-to-end calibration: A/A {} runs at {} per arm: {} falsely significant ({}%), {} flagged by the "
                + "sample-ratio check, error counts' dispersion against binomial p = {}; 10% vs 15% errors, {} runs "
                + "at {} per arm: {} detected as worse ({}%); every run in {}",
            AA_RUNS, AA_SAMPLE, falseAlarms, percent(falseAlarms, AA_RUNS), mismatches, dispersion, POWER_RUNS,
            DOCUMENTED, detected, percent(detected, POWER_RUNS), write(aaJudged, powerJudged));

        assertThat(dispersion).as("A/A arms' error counts vary as independent identical calls would")
            .isGreaterThan(MISS);

        assertThat(falseAlarms).as("false alarms of %d A/A runs", AA_RUNS)
            .isLessThanOrEqualTo(upperBound(AA_RUNS, ExperimentDesign.DEFAULT_ALPHA));
        assertThat(mismatches).as("sample-ratio mismatches of %d A/A runs", AA_RUNS)
            .isLessThanOrEqualTo(upperBound(AA_RUNS, 0.001));
        assertThat(detected).as("detections of %d runs with 5 points more errors", POWER_RUNS)
            .isGreaterThanOrEqualTo(new BinomialDistribution(POWER_RUNS, ExperimentDesign.DEFAULT_POWER)
                .inverseCumulativeProbability(MISS));
    }

    /** Creates a 50/50 experiment of control against {@code candidate}, sends users until both arms have enough. */
    private static Run run(final String name, final String candidate, final long perArm) throws Exception {
        final HttpResponse<String> created = send("POST", base(router) + "/api/experiments", "{\"experiment_name\": \""
            + name + "\", \"provider\": \"" + PROVIDER + "\", \"model_a\": \"control\", \"model_b\": \"" + candidate
            + "\", \"traffic_split\": {\"model_a\": 0.5, \"model_b\": 0.5}, \"success_metric\": \"success_rate\", "
            + "\"duration_days\": 1, \"minimum_sample\": " + perArm + "}", ADMIN);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        final long[] samples = new long[2];
        final long[] successes = new long[2];
        int user = 0;
        while (Math.min(samples[0], samples[1]) < perArm) {
            final List<CompletableFuture<HttpResponse<String>>> batch = new ArrayList<>();
            for (int i = 0; i < CONCURRENCY; i++) {
                batch.add(http.sendAsync(chat(name + "-user-" + user++), HttpResponse.BodyHandlers.ofString()));
            }
            for (final CompletableFuture<HttpResponse<String>> pending : batch) {
                final HttpResponse<String> answer = pending.join();
                assertThat(answer.headers().firstValue("X-Switchboard-Experiment")).as(answer.body()).contains(name);
                final int arm = answer.headers().firstValue("X-Switchboard-Arm").orElseThrow().equals("model_a")
                    ? 0 : 1;
                samples[arm]++;
                // the arm's outcome is the first attempt's: answered, and by it, not by a failover
                if (answer.statusCode() == 200
                    && answer.headers().firstValue("X-Switchboard-Attempts").orElseThrow().equals("1")) {
                    successes[arm]++;
                }
            }
        }
        assertThat(send("POST", base(router) + "/api/experiments/" + name + "/stop", null, ADMIN).statusCode())
            .isEqualTo(200);
        return new Run(name, samples[0], successes[0], samples[1], successes[1]);
    }

    /** Waits for stats-streams to have every outcome of the run, checks it against the clients, and its verdict. */
    private static Judged judged(final Run run) {
        final JsonNode[] results = new JsonNode[1];
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
            .untilAsserted(() -> {
                results[0] = JSON.readTree(send("GET", base(stats) + "/api/experiments/" + run.name() + "/results",
                    null, ADMIN).body());
                assertThat(results[0].path("arms").path(0).path("samples").asLong()).isEqualTo(run.controlSamples());
                assertThat(results[0].path("arms").path(1).path("samples").asLong())
                    .isEqualTo(run.candidateSamples());
            });
        final JsonNode arms = results[0].path("arms");
        assertThat(Math.round(arms.path(0).path("success_rate").path("value").asDouble() * run.controlSamples()))
            .as("%s: control successes", run.name()).isEqualTo(run.controlSuccesses());
        assertThat(Math.round(arms.path(1).path("success_rate").path("value").asDouble() * run.candidateSamples()))
            .as("%s: candidate successes", run.name()).isEqualTo(run.candidateSuccesses());
        final JsonNode comparison = results[0].path("comparisons").path(0);
        final double expectedP = Significance.twoProportions(run.controlSuccesses(), run.controlSamples(),
            run.candidateSuccesses(), run.candidateSamples(), 1 - ExperimentDesign.DEFAULT_ALPHA).pValue();
        assertThat(comparison.path("p_value").asDouble()).as("%s: p-value", run.name())
            .isCloseTo(expectedP, within(1e-12 + expectedP * 1e-9));
        assertThat(results[0].path("minimum_sample_reached").asBoolean()).isTrue();
        return new Judged(run, comparison.path("p_value").asDouble(), comparison.path("verdict").asString(),
            results[0].path("sample_ratio").path("mismatch").asBoolean());
    }

    /**
     * Whether the A/A arms' error counts vary as much as independent calls with one error rate would, and no more:
     * the chi-square of each arm's count against the pooled rate (a clumping simulator or a pipeline that loses or
     * repeats outcomes shows as over-dispersion, and would inflate false alarms whatever the test).
     */
    private static double dispersion(final List<Run> runs) {
        long samples = 0;
        long successes = 0;
        for (final Run run : runs) {
            samples += run.controlSamples() + run.candidateSamples();
            successes += run.controlSuccesses() + run.candidateSuccesses();
        }
        final double rate = (double) successes / samples;
        double chiSquare = 0;
        for (final Run run : runs) {
            chiSquare += squaredDeviation(run.controlSuccesses(), run.controlSamples(), rate)
                + squaredDeviation(run.candidateSuccesses(), run.candidateSamples(), rate);
        }
        return 1 - new ChiSquaredDistribution(2.0 * runs.size() - 1).cumulativeProbability(chiSquare);
    }

    private static double squaredDeviation(final long successes, final long samples, final double rate) {
        final double expected = samples * rate;
        return (successes - expected) * (successes - expected) / (expected * (1 - rate));
    }

    /** Every run as judged, for a second look: {@code target/calibration-runs.csv}. */
    private static Path write(final List<Judged> aa, final List<Judged> power) throws IOException {
        final List<String> lines = new ArrayList<>();
        lines.add("run,control_samples,control_successes,candidate_samples,candidate_successes,p_value,verdict,srm");
        for (final Judged judged : Stream.concat(aa.stream(), power.stream()).toList()) {
            final Run run = judged.run();
            lines.add(String.join(",", run.name(), Long.toString(run.controlSamples()),
                Long.toString(run.controlSuccesses()), Long.toString(run.candidateSamples()),
                Long.toString(run.candidateSuccesses()), Double.toString(judged.pValue()), judged.verdict(),
                Boolean.toString(judged.sampleRatioMismatch())));
        }
        final Path file = Path.of("target", "calibration-runs.csv");
        Files.createDirectories(file.getParent());
        return Files.write(file, lines);
    }

    private static int upperBound(final int runs, final double rate) {
        return new BinomialDistribution(runs, rate).inverseCumulativeProbability(1 - MISS);
    }

    private static String percent(final long count, final int runs) {
        return String.format(Locale.ROOT, "%.1f", 100.0 * count / runs);
    }

    private static HttpRequest chat(final String user) {
        return LocalCalls.chatAs(base(router), CLIENT, "Calibration", user);
    }

    private static HttpResponse<String> send(final String method, final String url, final String body,
                                             final String token) throws Exception {
        return LocalCalls.send(http, method, url, body, token);
    }
}
