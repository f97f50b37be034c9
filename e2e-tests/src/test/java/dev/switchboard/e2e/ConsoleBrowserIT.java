package dev.switchboard.e2e;

import static dev.switchboard.e2e.LocalCalls.base;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.simulator.Knobs;
import dev.switchboard.simulator.SimulatedProvider;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The operators' console in a real headless Chromium (Debian's {@code chromium} through its {@code chromedriver}),
 * on the real local stack in this JVM: embedded KRaft broker, router, stats-streams, health prober and simulators,
 * with clients calling all along. Signs in, watches the live split follow a weight change, a rollout advance to
 * the end and a bad candidate roll back (the figures on the page equal the API's), steers a rollout with its
 * buttons, opens an experiment's results, and checks the token never leaves the Authorization header. Every view
 * is saved as a PNG under {@code target/console-screenshots/}.
 */
@Order(4)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String ADMIN = "console-admin-" + UUID.randomUUID();
    private static final String CLIENT = "console-client-" + UUID.randomUUID();
    private static final String SECRET = "sk-console-secret-" + UUID.randomUUID();
    private static final String OPS_A = "console-ops-a-" + UUID.randomUUID();
    private static final String OPS_B = "console-ops-b-" + UUID.randomUUID();
    private static final String WATCHER = "console-watcher-" + UUID.randomUUID();
    private static final String OPERATORS = "ops-a:operator:" + OPS_A + ",ops-b:approver:" + OPS_B + ",watcher:viewer:"
        + WATCHER;
    private static final String PROVIDER = "LLM/Console";
    private static final Knobs HEALTHY = new Knobs(1, 0.1, 0, 500, false, 6, 0);
    private static final Path SCREENSHOTS = Path.of("target", "console-screenshots");

    private static final Map<String, SimulatedProvider> simulators = new ConcurrentHashMap<>();
    private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final LogWatch tokenWatch = new LogWatch(ADMIN);
    private static ConfigurableApplicationContext stats;
    private static ConfigurableApplicationContext prober;
    private static ConfigurableApplicationContext router;
    private static Browser browser;
    private static WebDriver driver;
    private static NewUsers traffic;

    @BeforeAll
    static void startTheSystemAndABrowser() throws Exception {
        assertThat(System.getProperty("spring.embedded.kafka.brokers")).as("the global embedded KRaft broker")
            .isNotBlank();
        for (final String version : List.of("v1", "v2", "v3")) {
            simulators.put(version, SimulatedProvider.start(version, "127.0.0.1", 0, HEALTHY));
        }
        stats = InJvmServices.stats("console",
            "--switchboard.stats.admin-token=" + ADMIN,
            "--switchboard.stats.admin-tokens=" + OPERATORS,
            "--switchboard.stats.rollouts.judge-every=1s",
            "--switchboard.stats.rollouts.hold-every=5s",
            "--switchboard.stats.alerts.evaluate-every=1s");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
            LocalCalls.send(http, "GET", base(stats) + "/actuator/health", null, null).body())
            .contains("\"status\":\"UP\""));
        prober = InJvmServices.prober(stats,
            "--switchboard.prober.interval=2s",
            "--switchboard.prober.admin-token=" + ADMIN,
            "--switchboard.prober.admin-tokens=" + OPERATORS);
        router = InJvmServices.router(stats, prober,
            "--switchboard.security.client-keys=" + CLIENT,
            "--switchboard.security.admin-token=" + ADMIN,
            "--switchboard.security.admin-tokens=" + OPERATORS,
            "--switchboard.routing.outliers.consecutive-failures=1000000");
        // Watched from here: each service's start sets Logback up anew, which drops appenders added before.
        tokenWatch.start();
        InJvmServices.awaitReady(http, router); // a router takes changes once it has read the config topics
        addVersion("v1", 90, true);
        addVersion("v2", 10, false);
        addVersion("v3", 0, false);
        // A steady 300 calls a second: enough for every view's figures (a rollout step's 100 samples at 20% in a
        // few seconds), and it leaves the machine to the browser, which back-to-back callers starved in a full build.
        traffic = NewUsers.atRate(http, 300, () -> LocalCalls.chatAs(base(router), CLIENT, "Console",
            UUID.randomUUID().toString()));
        browser = Browser.start(SCREENSHOTS);
        driver = browser.driver();
    }

    @AfterAll
    static void stopEverything() throws Exception {
        if (traffic != null) {
            traffic.close();
        }
        if (browser != null) {
            browser.close();
        }
        for (final ConfigurableApplicationContext context : new ConfigurableApplicationContext[] {router, prober, stats}) {
            if (context != null && context.isActive()) {
                context.close();
            }
        }
        simulators.values().forEach(SimulatedProvider::close);
        tokenWatch.stop();
    }

    @Test
    @Order(1)
    void shouldRefuseAWrongTokenAndAClientKeyWithAClearMessage() throws Exception {
        open("/console");
        signIn("not-the-admin-token");
        final String refusal = waitFor(By.cssSelector("[data-test=login-error]")).getText();
        assertThat(refusal).contains("refused").contains("admin token");
        browser.screenshot("login-refused");
        signIn(CLIENT);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
            assertThat(driver.findElement(By.cssSelector("[data-test=login-error]")).getText()).contains("refused"));
        assertThat(driver.findElements(By.cssSelector("[data-test=nav]"))).as("no console without the admin token")
            .isEmpty();
        assertThat(sessionToken()).as("a refused token is not kept").isNull();
    }

    @Test
    @Order(2)
    void shouldShowTheProvidersVersionsAndTheirLiveSplit() throws Exception {
        signInAsAdmin();
        open("/console/providers");
        final WebElement provider = waitFor(providerPanel());
        assertThat(provider.getText()).contains("v1", "v2", "v3");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
            assertThat(observedShare("v1")).as("the observed share of v1").isBetween(70.0, 100.0));
        assertThat(configuredShare("v1")).isEqualTo(90.0);
        assertThat((String) ((JavascriptExecutor) driver).executeScript("return document.querySelector(arguments[0])"
            + ".innerText", "[data-provider='" + PROVIDER + "'] tr[data-version='v3']")).contains("not routed: weight 0");
        browser.screenshot("providers");
    }

    @Test
    @Order(3)
    void shouldShowTheApiErrorForABadWeightAndChangeNothing() throws Exception {
        open("/console/providers");
        setWeight("v2", "150");
        final String error = waitFor(By.cssSelector("[data-view=providers] [data-test=action-error]")).getText();
        assertThat(error).contains("weight").contains("0-100");
        assertThat(weightInApi("v2")).as("nothing changed").isEqualTo(10);
        browser.screenshot("providers-weight-refused");
    }

    @Test
    @Order(4)
    void shouldFollowAWeightChangeInTheObservedSplit() throws Exception {
        open("/console/providers");
        new Select(waitFor(By.cssSelector("[data-test=minutes]"))).selectByValue("1");
        setWeight("v1", "50");
        await().atMost(Duration.ofSeconds(30)).until(() -> weightInApi("v1") == 50);
        setWeight("v2", "50");
        await().atMost(Duration.ofSeconds(30)).until(() -> weightInApi("v2") == 50);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(configuredShare("v2")).isEqualTo(50.0));
        // The window is this minute: the split moves from 90/10 to 50/50 as this minute's calls come in.
        await().atMost(Duration.ofSeconds(120)).untilAsserted(() ->
            assertThat(observedShare("v2")).as("v2's observed share follows its new weight").isBetween(35.0, 65.0));
        browser.screenshot("providers-after-weight-change");
        assertThat(audits("set_weight", "console")).as("each change audited as the console's").isGreaterThanOrEqualTo(2);
    }

    @Test
    @Order(5)
    void shouldCreateAVersionActivateItAndNeverShowItsSecret() throws Exception {
        open("/console/providers");
        final WebElement form = waitFor(By.cssSelector("[data-test=create-version]"));
        fill(form, "name", "Console");
        fill(form, "version", "v4");
        fill(form, "type", "ollama");
        fill(form, "model_name", "llama2");
        fill(form, "url", "http://127.0.0.1:" + simulators.get("v3").port());
        fill(form, "weight", "0");
        fill(form, "parameters", "{\"api_key\": \"" + SECRET + "\"}");
        form.findElement(By.cssSelector("button[type=submit]")).click();
        waitFor(versionRow("v4"));
        assertThat(driver.findElement(By.cssSelector("[data-test=action-done]")).getText()).contains("v4 created");

        clickInRow("v4", "Deactivate");
        await().atMost(Duration.ofSeconds(10)).until(() -> !versionInApi("v4").path("is_active").asBoolean());
        clickInRow("v4", "Activate");
        await().atMost(Duration.ofSeconds(10)).until(() -> versionInApi("v4").path("is_active").asBoolean());
        clickInRow("v2", "Make default");
        await().atMost(Duration.ofSeconds(10)).until(() -> versionInApi("v2").path("is_default").asBoolean());
        clickInRow("v1", "Make default");
        await().atMost(Duration.ofSeconds(10)).until(() -> versionInApi("v1").path("is_default").asBoolean());

        open("/console/providers/LLM/Console/v4");
        await().atMost(Duration.ofSeconds(10)).until(() -> driver.getPageSource().contains("api_key"));
        assertThat(driver.getPageSource()).as("the secret never reaches the page").doesNotContain(SECRET)
            .contains("********");
        open("/console/providers/LLM/Console/v1");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
            assertThat(driver.findElement(By.cssSelector("[data-test=daily]")).getText())
                .contains(LocalDate.now(ZoneOffset.UTC).toString()));
        waitFor(By.cssSelector("[data-test=version-health]"));
        await().atMost(Duration.ofSeconds(10)).until(() -> driver.findElements(By.cssSelector(".u-over")).size() == 3);
        browser.screenshot("version");
    }

    @Test
    @Order(6)
    void shouldWatchARolloutAdvanceToTheEndWithTheJudgesFigures() throws Exception {
        setWeightByApi("v1", 100);
        setWeightByApi("v2", 0);
        final String steps = "[{\"percentage\": 20, \"minimum_duration_seconds\": 6, \"minimum_sample\": 100}, "
            + "{\"percentage\": 50, \"minimum_duration_seconds\": 6, \"minimum_sample\": 100}]";
        createRollout("console-good", "v2", "v1", steps);
        open("/console/rollouts/console-good");
        await().atMost(Duration.ofSeconds(60)).until(() -> text("[data-test=rollout-step]").contains("step 1 of 2")
            && driver.findElements(By.cssSelector("[data-test=gate-row] [data-field=estimate]")).stream()
                .anyMatch(estimate -> !number(estimate).isNaN()));
        browser.screenshot("rollout-step-1");
        await().atMost(Duration.ofSeconds(90)).until(() -> text("[data-test=rollout-step]").contains("step 2 of 2"));
        browser.screenshot("rollout-step-2");
        await().atMost(Duration.ofSeconds(90)).until(() -> text("[data-test=rollout-status]").equals("finished"));
        assertTheDecisionsOnThePageEqualTheApis("console-good", true);
        browser.screenshot("rollout-finished");
        open("/console/rollouts");
        waitFor(By.cssSelector("[data-rollout=console-good]"));
        browser.screenshot("rollouts");
    }

    @Test
    @Order(7)
    void shouldShowABadCandidateRolledBackWithItsEvidence() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> versionInApi("v2").path("is_default").asBoolean());
        simulators.get("v3").setKnobs(new Knobs(1, 0.1, 0.5, 503, false, 6, 0));
        final String steps = "[{\"percentage\": 30, \"minimum_duration_seconds\": 60, \"minimum_sample\": 500}]";
        createRollout("console-bad", "v3", "v2", steps);
        open("/console/rollouts/console-bad");
        await().atMost(Duration.ofSeconds(90)).until(() -> text("[data-test=rollout-status]").equals("rolled_back"));
        final WebElement rollBack = waitFor(By.cssSelector("[data-test=decision][data-action=roll_back]"));
        assertThat(rollBack.getText()).contains("failed gate: error_rate <= baseline + 0.05")
            .contains("canary-judge@");
        assertTheDecisionsOnThePageEqualTheApis("console-bad", false);
        await().atMost(Duration.ofSeconds(10)).until(() -> driver.findElements(By.cssSelector(".u-over")).size() == 3);
        browser.screenshot("rollout");
        simulators.get("v3").setKnobs(HEALTHY);
    }

    @Test
    @Order(8)
    void shouldPauseResumePromoteAndAbortARolloutFromItsButtons() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> createRolloutIfFree("console-steered", "v3", "v2",
            "[{\"percentage\": 10, \"minimum_duration_seconds\": 3600, \"minimum_sample\": 10}, "
                + "{\"percentage\": 30, \"minimum_duration_seconds\": 3600, \"minimum_sample\": 10}]"));
        open("/console/rollouts/console-steered");
        await().atMost(Duration.ofSeconds(30)).until(() -> text("[data-test=rollout-status]").equals("running"));

        click("pause", false);
        assertThat(rolloutInApi("console-steered").path("status").asString()).as("a cancelled confirmation does nothing")
            .isEqualTo("running");
        click("pause", true);
        await().atMost(Duration.ofSeconds(15)).until(() -> text("[data-test=rollout-status]").equals("paused"));
        click("resume", true);
        await().atMost(Duration.ofSeconds(15)).until(() -> text("[data-test=rollout-status]").equals("running"));
        click("promote", true);
        await().atMost(Duration.ofSeconds(15)).until(() -> text("[data-test=rollout-step]").contains("step 2 of 2"));
        browser.screenshot("rollout-steered");
        click("abort", true);
        await().atMost(Duration.ofSeconds(15)).until(() -> text("[data-test=rollout-status]").equals("aborted"));
        assertThat(rolloutInApi("console-steered").path("decisions")).extracting(d -> d.path("action").asString())
            .containsExactly("pause", "resume", "promote", "abort");
    }

    @Test
    @Order(9)
    void shouldOpenAnExperimentsResultsAndStopIt() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> versionInApi("v2").path("is_default").asBoolean()
            && versionInApi("v3").path("weight").asInt() == 0);
        final HttpResponse<String> created = admin("POST", "/api/experiments", "{\"experiment_name\": \"console_ab\", "
            + "\"provider\": \"" + PROVIDER + "\", \"model_a\": \"v2\", \"model_b\": \"v1\", \"traffic_split\": "
            + "{\"model_a\": 0.5, \"model_b\": 0.5}, \"success_metric\": \"success_rate\", \"duration_days\": 1, "
            + "\"minimum_sample\": 100}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        open("/console/experiments");
        waitFor(By.xpath("//a[text()='console_ab']")).click();
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            final List<WebElement> arms = driver.findElements(By.cssSelector("[data-test=arm-row]"));
            assertThat(arms).hasSize(2);
            assertThat(arms.get(1).getText()).contains("two_proportion_z");
            assertThat(text("[data-test=experiment-results]")).contains("(reached)");
        });
        assertThat(text("[data-test=verdict]")).as("the verdict, as the results API names it")
            .isIn("candidate_better", "candidate_worse", "no_detectable_difference", "not_enough_data");
        assertThat(text("[data-test=srm]")).contains("Sample ratio check");
        browser.screenshot("experiment");
        waitFor(By.cssSelector("[data-test=report-link]")).click();
        final WebElement report = new WebDriverWait(driver, Duration.ofSeconds(60))
            .until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-test=report]")));
        assertThat(report.getText()).contains("console_ab").contains("model_a").contains("model_b");
        assertThat(report.findElements(By.tagName("img"))).as("the report's three charts, inline").hasSize(3)
            .allSatisfy(chart -> assertThat(chart.getAttribute("src")).startsWith("data:image/png;base64,"));
        browser.screenshot("experiment-report");
        driver.navigate().back();
        waitFor(By.cssSelector("[data-test=experiment-results]"));
        driver.findElement(By.xpath("//button[text()='Stop']")).click();
        driver.switchTo().alert().accept();
        await().atMost(Duration.ofSeconds(15)).until(() -> JSON.readTree(admin("GET", "/api/experiments/console_ab",
            null).body()).path("data").path("status").asString().equals("stopped"));
        open("/console/experiments");
        waitFor(By.cssSelector("[data-test=experiment-row]"));
        browser.screenshot("experiments");
    }

    @Test
    @Order(10)
    void shouldShowAnAdaptiveExperimentsSearchEachArmsEvidenceAndShare() throws Exception {
        final HttpResponse<String> created = admin("POST", "/api/experiments", "{\"experiment_name\": "
            + "\"console_search\", \"provider\": \"" + PROVIDER + "\", \"model_a\": \"v2\", \"model_b\": \"v1\", "
            + "\"arms\": {\"model_c\": \"v3\"}, \"success_metric\": \"latency\", \"duration_days\": 1, "
            + "\"mode\": \"adaptive\", \"minimum_sample\": 30, \"decide_every_seconds\": 2}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        open("/console/experiments/console_search");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(driver.findElements(By.cssSelector("[data-test=search-arm]"))).hasSize(3);
            assertThat(text("[data-test=search-state]")).isIn("exploring", "best found", "no clear winner");
        });
        assertThat(text("[data-test=adaptive-results]")).contains("of subjects enrolled").contains("P(best)");
        // The search over time: each arm's share and chance of being best at every decision, once there are two.
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(text("[data-test=adaptive-results]")).containsPattern("decision ([2-9]|\\d{2,}) at");
            assertThat(text("[data-test=shares-chart]")).contains("model_a share", "model_b share", "model_c share");
            assertThat(text("[data-test=best-chart]")).contains("model_a P(best)");
        });
        assertThat(driver.findElements(By.cssSelector("[data-test=shares-chart] canvas"))).isNotEmpty();
        assertThat(driver.findElements(By.cssSelector("[data-test=experiment-results]"))).as("no fixed-split panel")
            .isEmpty();
        browser.screenshot("experiment-adaptive");
        assertThat(admin("POST", "/api/experiments/console_search/stop", null).statusCode()).isEqualTo(200);
    }

    @Test
    @Order(11)
    void shouldShowShadowHealthAndAuditViews() throws Exception {
        final HttpResponse<String> shadow = admin("PUT", "/api/system-configs/provider/LLM/Console/shadow",
            "{\"candidate\": \"v3\", \"percentage\": 100}");
        assertThat(shadow.statusCode()).as(shadow.body()).isEqualTo(200);
        open("/console/shadow");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(driver.findElements(
                By.xpath("//tr[@data-test='shadow-row'][td[1][text()='" + PROVIDER + "']][td[2][text()='v2 → v3']]")))
            .singleElement().extracting(WebElement::getText).asString().doesNotContain("no comparisons yet"));
        browser.screenshot("shadow");
        admin("PUT", "/api/system-configs/provider/LLM/Console/shadow", "{\"enabled\": false}");

        open("/console/health");
        final WebElement row = waitFor(By.cssSelector("[data-test=health-row][data-version='LLM/Console/v1']"));
        row.findElement(By.xpath(".//button[text()='Force check']")).click();
        final WebElement config = waitFor(By.cssSelector("[data-test=health-config]"));
        fill(config, "max_error_count", "-1");
        config.findElement(By.cssSelector("button[type=submit]")).click();
        assertThat(waitFor(By.cssSelector("[data-test=config-error]")).getText()).contains("Not saved")
            .contains("max_error_count");
        browser.screenshot("health");

        open("/console/audit");
        await().atMost(Duration.ofSeconds(15)).until(() -> driver.findElements(By.cssSelector("[data-test=audit-row]"))
            .stream().anyMatch(r -> r.getText().contains("set_weight") && r.getText().contains("console")));
        assertThat(driver.getPageSource()).as("secrets masked in the audit trail").doesNotContain(SECRET);
        browser.screenshot("audit");
    }

    @Test
    @Order(12)
    void shouldShowAFiringAlertOnTheProvidersViewAndEachRulesState() throws Exception {
        final HttpResponse<String> busy = admin("POST", "/api/alerts/rules", "{\"rule_id\": \"console-busy\", "
            + "\"provider\": \"" + PROVIDER + "\", \"metric\": \"requests_per_minute\", "
            + "\"comparison\": \"above\", \"threshold\": 0, \"window_seconds\": 60, \"hold_seconds\": 0, "
            + "\"description\": \"any traffic at all\"}");
        assertThat(busy.statusCode()).as(busy.body()).isEqualTo(201);
        final HttpResponse<String> quiet = admin("POST", "/api/alerts/rules", "{\"rule_id\": \"console-errors\", "
            + "\"provider\": \"" + PROVIDER + "\", \"metric\": \"error_rate\", \"comparison\": \"above\", "
            + "\"threshold\": 0.5, \"window_seconds\": 300, \"hold_seconds\": 120}");
        assertThat(quiet.statusCode()).as(quiet.body()).isEqualTo(201);
        // Channels that deliver nothing here (disabled): what the view shows of them, never their secrets.
        assertThat(admin("POST", "/api/alerts/channels", "{\"channel_id\": \"oncall\", \"kind\": \"webhook\", "
            + "\"url\": \"https://hooks.example/switchboard\", \"secret\": \"whsec-console\", \"enabled\": false}")
            .statusCode()).isEqualTo(201);
        assertThat(admin("POST", "/api/alerts/channels", "{\"channel_id\": \"team-chat\", \"kind\": \"slack\", "
            + "\"url\": \"https://hooks.slack.example/services/T0/B0/XSECRETX\", \"subscriptions\": "
            + "[\"rollout_decisions\"], \"enabled\": false}").statusCode()).isEqualTo(201);

        open("/console/providers");
        final By banner = By.cssSelector("[data-provider='" + PROVIDER + "'] [data-test=provider-alert]"
            + "[data-rule=console-busy]");
        await().atMost(Duration.ofSeconds(60)).until(() -> !driver.findElements(banner).isEmpty());
        final WebElement firing = driver.findElement(banner);
        final String version = firing.getAttribute("data-version");
        assertThat(firing.getText()).contains("Firing: console-busy on " + version)
            .contains("requests_per_minute").contains("above 0 over");
        assertThat(driver.findElements(By.cssSelector("[data-provider='" + PROVIDER + "'] tr[data-version='" + version
            + "'] [data-test=version-alert]"))).hasSize(1);
        browser.screenshot("providers-alert");

        open("/console/alerts");
        await().atMost(Duration.ofSeconds(20)).until(() -> !driver.findElements(
            By.cssSelector("[data-test=alert-rule][data-rule=console-busy][data-state=firing]")).isEmpty());
        assertThat(driver.findElements(By.cssSelector("[data-test=alert-rule][data-rule=console-errors][data-state=ok]")))
            .hasSize(1);
        assertThat(driver.findElements(By.cssSelector("[data-test=alert-transition][data-rule=console-busy]")))
            .isNotEmpty();
        await().atMost(Duration.ofSeconds(10)).until(() -> driver.findElements(
            By.cssSelector("[data-test=alert-channel]")).size() == 2);
        final String page = driver.findElement(By.cssSelector("[data-view=alerts]")).getText();
        assertThat(page).contains("oncall", "yes (secret set)", "https://hooks.slack.example/********")
            .doesNotContain("whsec-console").doesNotContain("XSECRETX");
        browser.screenshot("alerts");
        admin("DELETE", "/api/alerts/rules/console-busy", null);
        admin("DELETE", "/api/alerts/rules/console-errors", null);
        admin("DELETE", "/api/alerts/channels/oncall", null);
        admin("DELETE", "/api/alerts/channels/team-chat", null);
    }

    @Test
    @Order(13)
    void shouldShowWhoIsSignedInHideWhatTheirRoleMayNotDoAndApproveAProposalFromItsView() throws Exception {
        final HttpResponse<String> policy = LocalCalls.send(http, "PUT", base(router)
            + "/api/system-configs/provider/LLM/Console/change-policy", "{\"max_weight_step\": 20}", OPS_B);
        assertThat(policy.statusCode()).as(policy.body()).isEqualTo(200);

        signInAs(WATCHER);
        open("/console/providers");
        waitFor(providerPanel());
        assertThat(text("[data-test=who]")).startsWith("watcher · viewer");
        assertThat(driver.findElement(providerPanel()).findElement(By.cssSelector("[data-test=edit-provider]"))
            .isDisplayed()).as("a viewer is offered no change").isFalse();
        assertThat(driver.findElement(By.cssSelector("[data-test=create-version]")).isDisplayed()).isFalse();
        browser.screenshot("providers-viewer");

        signInAs(OPS_A);
        open("/console/providers");
        final int restoreTo = weightInApi("v2");
        final int before = 10;
        final int raised = 60;
        setWeightByApi("v2", before);
        setWeight("v2", Integer.toString(raised));
        assertThat(waitFor(By.cssSelector("[data-view=providers] [data-test=action-proposed]")).getText())
            .contains("proposed for approval, not applied yet").contains("more than the 20 allowed in one step");
        final WebElement pending = waitFor(By.cssSelector("[data-provider='" + PROVIDER
            + "'] [data-test=provider-proposal]"));
        assertThat(pending.getText()).contains("Awaiting approval: Set v2's weight from " + before + " to " + raised)
            .contains("proposed by ops-a");
        assertThat(weightInApi("v2")).as("nothing changed yet").isEqualTo(before);
        browser.screenshot("providers-proposal");
        final String id = pending.getAttribute("data-proposal");

        open("/console/proposals");
        final By row = By.cssSelector("[data-test=proposal][data-proposal='" + id + "']");
        waitFor(row);
        assertThat(driver.findElement(row).findElement(By.cssSelector("[data-action=approve]")).isDisplayed())
            .as("no approving one's own proposal").isFalse();
        assertThat(driver.findElement(row).findElement(By.cssSelector("[data-action=withdraw]")).isDisplayed()).isTrue();

        signInAs(OPS_B);
        open("/console/proposals");
        assertThat(text("[data-test=who]")).startsWith("ops-b · approver");
        new WebDriverWait(driver, Duration.ofSeconds(15)).until(ExpectedConditions.elementToBeClickable(
            By.cssSelector("[data-test=proposal][data-proposal='" + id + "'] [data-action=approve]"))).click();
        await().atMost(Duration.ofSeconds(15)).until(() -> !driver.findElements(
            By.cssSelector("[data-test=proposal][data-proposal='" + id + "'][data-status=applied]")).isEmpty());
        assertThat(weightInApi("v2")).isEqualTo(raised);
        assertThat(text("[data-test=proposal][data-proposal='" + id + "']")).contains("by ops-b");
        browser.screenshot("proposals");
        assertThat(audits("approve_proposal", "ops-b")).isEqualTo(1);

        assertThat(LocalCalls.send(http, "PUT", base(router) + "/api/system-configs/provider/LLM/Console/change-policy",
            "{}", OPS_B).statusCode()).isEqualTo(200);
        setWeightByApi("v2", restoreTo);
        signInAsAdmin();
    }

    @Test
    @Order(14)
    void shouldKeepTheTokenOutOfUrlsCookiesAndLogsAndGiveNothingWithoutIt() throws Exception {
        final List<String> urls = browser.requestedUrls();
        assertThat(urls).as("the console called the API").anyMatch(u -> u.contains("/api/console/providers"));
        assertThat(urls).noneMatch(u -> u.contains(ADMIN));
        assertThat(driver.getCurrentUrl()).doesNotContain(ADMIN);
        assertThat(driver.manage().getCookies()).as("no cookies").isEmpty();
        assertThat((String) ((JavascriptExecutor) driver).executeScript("return document.cookie")).isEmpty();
        assertThat((Long) ((JavascriptExecutor) driver).executeScript("return localStorage.length")).isZero();
        assertThat(sessionToken()).isEqualTo(ADMIN);

        for (final String path : List.of("/api/console/session", "/api/console/providers", "/api/audit",
            "/api/rollouts", "/api/rollouts/console-good", "/api/experiments", "/api/providers/health",
            "/api/health-check/config", "/api/stats/versions/recent",
            "/api/system-configs/provider/LLM/Console/versions/v4", "/api/console/health-history/LLM/Console/v1")) {
            for (final String token : new String[] {null, CLIENT, "wrong"}) {
                final HttpResponse<String> answer = LocalCalls.send(http, "GET", base(router) + path, null, token);
                assertThat(answer.statusCode()).as(path + " with " + token).isEqualTo(401);
                final JsonNode refusal = JSON.readTree(answer.body());
                assertThat(refusal.properties()).extracting(Map.Entry::getKey)
                    .as("a refusal and nothing else").isSubsetOf("type", "title", "status", "detail", "instance");
                assertThat(refusal.path("detail").asString()).contains("admin token");
            }
        }
        assertThat(tokenWatch.lines()).as("log lines naming the admin token").isEmpty();
    }

    @Test
    @Order(15)
    void shouldSayStatsUnavailableWhileStatsStreamsIsDownAndKeepTheRestWorking() throws Exception {
        stats.close();
        open("/console/providers");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
            assertThat(text("[data-test=stats-unavailable]")).startsWith("Stats unavailable"));
        assertThat(observedShare("v2")).as("no observed share without stats").isNaN();
        assertThat(driver.findElement(providerPanel()).getText()).contains("v1", "v2", "v3", "v4");
        browser.screenshot("providers-stats-unavailable");
        open("/console/rollouts/console-good");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
            assertThat(text("[data-test=judge-unavailable]")).startsWith("Stats unavailable"));
        assertThat(text("[data-test=rollout-status]")).isEqualTo("finished");
    }

    // ---- the page ---------------------------------------------------------------------------------------------

    private static void open(final String path) {
        browser.collectRequests();
        driver.get(base(router) + path);
    }

    private static void signIn(final String token) {
        final WebElement field = waitFor(By.id("token"));
        field.clear();
        field.sendKeys(token);
        driver.findElement(By.id("sign-in")).click();
    }

    private static void signInAsAdmin() {
        signInAs(ADMIN);
    }

    /** Signs whoever is signed in out first. */
    private static void signInAs(final String token) {
        open("/console");
        if (!driver.findElements(By.cssSelector("[data-test=sign-out]")).isEmpty()) {
            waitFor(By.cssSelector("[data-test=sign-out]")).click();
        }
        signIn(token);
        waitFor(By.cssSelector("[data-test=nav]"));
    }

    private static String sessionToken() {
        return (String) ((JavascriptExecutor) driver).executeScript(
            "return sessionStorage.getItem('switchboard.admin-token')");
    }

    private static WebElement waitFor(final By what) {
        return new WebDriverWait(driver, Duration.ofSeconds(30)).until(ExpectedConditions.visibilityOfElementLocated(what));
    }

    private static String text(final String css) {
        final List<WebElement> found = driver.findElements(By.cssSelector(css));
        return found.isEmpty() ? "" : found.get(0).getText();
    }

    private static By providerPanel() {
        return By.cssSelector("[data-test=provider][data-provider='" + PROVIDER + "']");
    }

    private static By versionRow(final String version) {
        return By.cssSelector("[data-test=provider][data-provider='" + PROVIDER + "'] tr[data-version='" + version + "']");
    }

    private static double observedShare(final String version) {
        return cellValue(version, "observed_share");
    }

    private static double configuredShare(final String version) {
        return cellValue(version, "configured_share");
    }

    /** A figure of a version's row, read in one step: the rows are drawn anew at every refresh. */
    private static double cellValue(final String version, final String field) {
        final String value = (String) ((JavascriptExecutor) driver).executeScript(
            "const cell = document.querySelector(arguments[0]); return cell ? cell.getAttribute('data-value') : null;",
            "[data-test=provider][data-provider='" + PROVIDER + "'] tr[data-version='" + version + "'] [data-field="
                + field + "]");
        return value == null || value.isBlank() ? Double.NaN : Double.parseDouble(value);
    }

    private static Double number(final WebElement cell) {
        final String value = cell.getAttribute("data-value");
        return value == null || value.isBlank() ? Double.NaN : Double.parseDouble(value);
    }

    /** The version's row of the provider's edit panel, opened first where it is closed. */
    private static WebElement editRow(final String version) {
        if (driver.findElements(By.cssSelector("[data-provider='" + PROVIDER + "'] [data-test=provider-edit]")).isEmpty()) {
            waitFor(providerPanel()).findElement(By.cssSelector("[data-test=edit-provider]")).click();
        }
        return waitFor(By.cssSelector("[data-provider='" + PROVIDER + "'] [data-test=provider-edit] tr[data-version='"
            + version + "']"));
    }

    /**
     * Types a weight and saves it once the form can be saved: the buttons stay disabled while the view applies and
     * reloads after the last change, which under a full build's load can take seconds, and a click on a disabled
     * button would be lost.
     */
    private static void setWeight(final String version, final String weight) throws Exception {
        final WebElement input = editRow(version).findElement(By.cssSelector("[data-test=weight-input]"));
        // Cleared as a user clears it, key by key: WebDriver's clear() sets the value without the input events
        // the view listens to, so a reload of the view between it and the typing put the old weight back, and
        // "50" went in after it ("1050", refused).
        input.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.BACK_SPACE);
        input.sendKeys(weight);
        saveWeight(version);
        final String change = PROVIDER + " " + version + " weight " + weight;
        if (!answered(change)) {
            browser.screenshot("weight-not-answered");
            throw new AssertionError("no answer to '" + change + "' 15 s after the click; " + page(version));
        }
    }

    private static void saveWeight(final String version) {
        new WebDriverWait(driver, Duration.ofSeconds(30)).until(ExpectedConditions.elementToBeClickable(
            editRow(version).findElement(By.cssSelector("[data-test=weight-save]")))).click();
    }

    /** Whether the providers view shows what became of {@code change}: done, proposed or refused. */
    private static boolean answered(final String change) {
        try {
            await().atMost(Duration.ofSeconds(15)).until(() -> driver.findElements(By.cssSelector(
                    "[data-view=providers] [data-test=action-done], [data-view=providers] [data-test=action-proposed], "
                        + "[data-view=providers] [data-test=action-error]"))
                .stream().anyMatch(banner -> banner.getText().contains(change)));
            return true;
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            return false;
        }
    }

    private static String page(final String version) {
        final WebElement row = editRow(version);
        return "the input holds '" + row.findElement(By.cssSelector("[data-test=weight-input]")).getDomProperty("value")
            + "', the button enabled " + row.findElement(By.cssSelector("[data-test=weight-save]")).isEnabled()
            + ", the page says " + driver.findElement(By.cssSelector("[data-view=providers]")).getText().lines()
            .limit(12).toList();
    }

    private static void clickInRow(final String version, final String button) {
        new WebDriverWait(driver, Duration.ofSeconds(15)).until(ExpectedConditions.elementToBeClickable(
            editRow(version).findElement(By.xpath(".//button[text()='" + button + "']")))).click();
    }

    private static void fill(final WebElement form, final String name, final String value) {
        final WebElement input = form.findElement(By.name(name));
        input.clear();
        input.sendKeys(value);
    }

    /** Clicks a rollout's action button and answers its confirmation. */
    private static void click(final String action, final boolean confirm) {
        new WebDriverWait(driver, Duration.ofSeconds(15)).until(ExpectedConditions.elementToBeClickable(
            By.cssSelector("button[data-action=" + action + "]"))).click();
        new WebDriverWait(driver, Duration.ofSeconds(5)).until(ExpectedConditions.alertIsPresent());
        if (confirm) {
            driver.switchTo().alert().accept();
        } else {
            driver.switchTo().alert().dismiss();
        }
    }

    /**
     * The evidence of every decision on the page (each gate's estimate and interval) is the API's, number for number.
     */
    private static void assertTheDecisionsOnThePageEqualTheApis(final String id, final boolean withHolds)
        throws Exception {
        final JsonNode rollout = rolloutInApi(id);
        final List<JsonNode> decisions = timeline(rollout);
        if (withHolds) {
            assertThat(decisions).extracting(d -> d.path("action").asString()).as("the judge's holds are shown too")
                .contains("hold");
        }
        await().atMost(Duration.ofSeconds(10)).until(() ->
            driver.findElements(By.cssSelector("[data-test=decision]")).size() == decisions.size());
        final List<WebElement> shown = driver.findElements(By.cssSelector("[data-test=decision]"));
        int compared = 0;
        for (int i = 0; i < decisions.size(); i++) {
            final JsonNode decision = decisions.get(i);
            final WebElement onPage = shown.get(i);
            assertThat(onPage.getAttribute("data-action")).isEqualTo(decision.path("action").asString());
            final List<WebElement> gates = onPage.findElements(By.cssSelector("[data-test=decision-gate]"));
            assertThat(gates).hasSize(decision.path("gates").size());
            for (int g = 0; g < gates.size(); g++) {
                final JsonNode gate = decision.path("gates").get(g);
                assertThat(gates.get(g).getText()).startsWith(gate.path("gate").asString());
                assertSameFigure(gates.get(g).findElement(By.cssSelector("[data-field=estimate]"))
                    .getAttribute("data-value"), gate.path("estimate"));
                final WebElement interval = gates.get(g).findElement(By.cssSelector("[data-field=interval]"));
                assertSameFigure(interval.getAttribute("data-low"), gate.path("low"));
                assertSameFigure(interval.getAttribute("data-high"), gate.path("high"));
                compared++;
            }
        }
        assertThat(compared).as("gate figures compared").isPositive();
    }

    /** The decisions and the judge's holds, newest first (the latest appended first where the times are equal). */
    private static List<JsonNode> timeline(final JsonNode rollout) {
        final List<JsonNode> all = new java.util.ArrayList<>();
        rollout.path("decisions").forEach(all::add);
        rollout.path("holds").forEach(all::add);
        final List<JsonNode> newestFirst = new java.util.ArrayList<>(all.reversed());
        newestFirst.sort(Comparator.comparing((JsonNode d) -> d.path("decided_at").asString()).reversed());
        return newestFirst;
    }

    private static void assertSameFigure(final String onPage, final JsonNode inApi) {
        if (inApi.isNull()) {
            assertThat(onPage == null || onPage.isEmpty()).as("no figure on the page either: " + onPage).isTrue();
        } else {
            assertThat(Double.parseDouble(onPage)).isEqualTo(inApi.asDouble());
        }
    }

    // ---- the API ----------------------------------------------------------------------------------------------

    private static HttpResponse<String> admin(final String method, final String path, final String body)
        throws Exception {
        return LocalCalls.send(http, method, base(router) + path, body, ADMIN);
    }

    private static void addVersion(final String version, final int weight, final boolean isDefault) throws Exception {
        LocalCalls.addSimulatedVersion(http, base(router), ADMIN, "LLM", "Console", version,
            simulators.get(version).port(), weight, isDefault);
    }

    private static JsonNode versionInApi(final String version) throws Exception {
        return JSON.readTree(admin("GET", "/api/system-configs/provider/LLM/Console/versions/" + version, null).body())
            .path("data");
    }

    private static int weightInApi(final String version) throws Exception {
        return versionInApi(version).path("weight").asInt();
    }

    private static void setWeightByApi(final String version, final int weight) throws Exception {
        final HttpResponse<String> answer = admin("PUT", "/api/system-configs/provider/LLM/Console/weight",
            "{\"version\": \"" + version + "\", \"weight\": " + weight + "}");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    }

    private static JsonNode rolloutInApi(final String id) throws Exception {
        return JSON.readTree(admin("GET", "/api/rollouts/" + id, null).body()).path("data");
    }

    private static void createRollout(final String id, final String candidate, final String baseline,
                                      final String steps) throws Exception {
        final HttpResponse<String> answer = admin("POST", "/api/rollouts", rollout(id, candidate, baseline, steps));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
    }

    /** A new rollout waits for the last one's settlement: 409 until then. */
    private static boolean createRolloutIfFree(final String id, final String candidate, final String baseline,
                                               final String steps) throws Exception {
        final HttpResponse<String> answer = admin("POST", "/api/rollouts", rollout(id, candidate, baseline, steps));
        assertThat(answer.statusCode()).as(answer.body()).isIn(201, 409);
        return answer.statusCode() == 201;
    }

    private static String rollout(final String id, final String candidate, final String baseline,
                                  final String steps) {
        return "{\"rollout_id\": \"" + id + "\", \"provider\": \"" + PROVIDER + "\", \"candidate\": \"" + candidate
            + "\", \"baseline\": \"" + baseline + "\", \"steps\": " + steps + ", \"gates\": [{\"metric\": "
            + "\"error_rate\", \"kind\": \"vs_baseline\", \"limit\": 0.05}]}";
    }

    private static long audits(final String action, final String actor) throws Exception {
        final JsonNode changes = JSON.readTree(admin("GET", "/api/audit?subject=" + PROVIDER, null).body()).path("data");
        long count = 0;
        for (final JsonNode change : changes) {
            if (change.path("action").asString().equals(action) && change.path("actor").asString().equals(actor)) {
                count++;
            }
        }
        return count;
    }

    // ---- helpers ----------------------------------------------------------------------------------------------


    /** Every log line of this JVM (router, stats-streams, prober, broker) that names the admin token. */
}
