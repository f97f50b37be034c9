package dev.switchboard.launcher;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;

/**
 * The launcher's progressive-delivery demo, through the public APIs only: a good candidate is rolled out through
 * its steps to 100% (and becomes the default), then a bad one, whose simulator starts failing half its calls
 * mid-rollout, is rolled back by the canary judge. Clients keep calling meanwhile; every decision is printed as the
 * router applies it. A rollout left running by an earlier start is followed to its end first: it resumes where it
 * was.
 */
final class RolloutDemo {

    private static final String PROVIDER = "LLM/OllamaLLM";
    /** The p95 gate's distribution-free interval needs a few hundred requests to settle within 5 points of p95. */
    private static final String STEPS = "[{\"percentage\": 10, \"minimum_duration_seconds\": 15, \"minimum_sample\": 400},"
        + " {\"percentage\": 50, \"minimum_duration_seconds\": 15, \"minimum_sample\": 400}]";
    private static final int CLIENTS = 8;
    private static final String GATES = "[{\"metric\": \"error_rate\", \"kind\": \"vs_baseline\", \"limit\": 0.02},"
        + " {\"metric\": \"latency_p95\", \"kind\": \"vs_baseline\", \"limit\": 250}]";
    private static final Duration LONGEST = Duration.ofMinutes(10);
    /**
     * How long the demo waits for the configuration to be seeded or a finished rollout settled: a moment, longer on
     * a loaded machine (a CI runner).
     */
    private static final Duration SETTLING = Duration.ofMinutes(2);

    private final LauncherSettings settings;
    private final Consumer<String> say;
    private final String router;
    /** The clients' calls, shared by them all, and what answered them. */
    private final DemoTraffic traffic;
    private final DemoCalls calls;

    RolloutDemo(final LauncherSettings settings, final Consumer<String> say) {
        this.settings = settings;
        this.say = say;
        this.router = "http://127.0.0.1:" + settings.routerPort();
        this.traffic = new DemoTraffic(router, settings.firstClientKey(), "OllamaLLM");
        this.calls = new DemoCalls(router, settings.adminToken());
    }

    void run() throws InterruptedException {
        final AtomicBoolean calling = new AtomicBoolean(true);
        final List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            clients.add(Thread.ofVirtual().name("rollout-demo-client-" + i).start(() -> client(calling)));
        }
        try {
            for (final JsonNode running : calls.admin("GET", "/api/rollouts?provider=" + PROVIDER
                    + "&status=running", null).path("data")) {
                say.accept("Rollout demo: " + id(running) + " was left running; it resumes at step "
                    + running.path("step").asInt());
                follow(id(running), null);
            }
            final String baseline = calls.defaultVersion(PROVIDER);
            final String good = baseline.equals("v1") ? "v2" : "v1";
            say.accept("Rollout demo 1/2: rolling out " + good + " (healthy) against " + baseline + ", 10% -> 50% -> "
                + "100%, gates: error rate no more than 2 points and p95 no more than 250 ms over the baseline's");
            follow(create(good, baseline), null);

            final String stable = awaitDefault(good);
            knobs("{\"error_rate\": 0}");
            say.accept("Rollout demo 2/2: rolling out v3 against " + stable + "; v3 will start failing half its calls");
            follow(create("v3", stable), this::breakOnceCalled);
            knobs("{\"error_rate\": 0}");
            say.accept("Rollout demo done: the decisions are on switchboard.rollout-decisions, the audit on "
                + "switchboard.config-audit; GET " + router + "/api/rollouts shows them");
        } catch (IOException | RuntimeException e) {
            say.accept("Rollout demo stopped: " + e.getMessage());
        } finally {
            calling.set(false);
            for (final Thread client : clients) {
                client.join();
            }
        }
    }

    /** A router still seeding its configuration topics answers 503 for a moment: the demo waits for it. */
    private String create(final String candidate, final String baseline) throws IOException, InterruptedException {
        final String plan = "{\"rollout_id\": \"demo-" + candidate + "-" + UUID.randomUUID().toString().substring(0, 6)
            + "\", \"provider\": \"" + PROVIDER + "\", \"candidate\": \"" + candidate + "\", \"baseline\": \""
            + baseline + "\", \"steps\": " + STEPS + ", \"gates\": " + GATES + "}";
        final JsonNode created = calls.read(calls.sendOnceReady("POST", "/api/rollouts", plan, SETTLING, say).body());
        if (!created.has("data")) {
            throw new IllegalStateException("the router refused the rollout: " + created);
        }
        say.accept("  " + id(created.path("data")) + " created: " + created.path("data").path("weights"));
        return id(created.path("data"));
    }

    /** Prints each decision as the router applies it, and the judge's view every 10 s, until the rollout ends. */
    private void follow(final String id, final StepHook hook) throws IOException, InterruptedException {
        final Instant deadline = Instant.now().plus(LONGEST);
        int printed = 0;
        Instant lastView = Instant.EPOCH;
        Instant faultAt = null;
        int step = 0;
        Map<String, Long> answersAtStep = traffic.answered();
        while (Instant.now().isBefore(deadline)) {
            final JsonNode rollout = calls.admin("GET", "/api/rollouts/" + id, null).path("data");
            if (rollout.path("step").asInt() != step) {
                step = rollout.path("step").asInt();
                answersAtStep = traffic.answered();
            }
            final JsonNode decisions = rollout.path("decisions");
            for (; printed < decisions.size(); printed++) {
                final JsonNode d = decisions.get(printed);
                say.accept(String.format(Locale.ROOT, "  %s %s: %s by %s at step %d (%s)%s", d.path("decided_at")
                        .asString(), id, d.path("action").asString().toUpperCase(Locale.ROOT),
                    d.path("decided_by").asString(), d.path("step").asInt(), d.path("reason").asString(),
                    d.has("candidate_samples") ? String.format(Locale.ROOT, "; candidate %d failed of %d, baseline %d"
                        + " of %d", d.path("candidate_failures").asLong(), d.path("candidate_samples").asLong(),
                        d.path("baseline_failures").asLong(), d.path("baseline_samples").asLong()) : ""));
            }
            final String status = rollout.path("status").asString();
            if (!status.equals("running") && !status.equals("paused")) {
                say.accept("  " + id + " " + status.replace('_', ' ') + (faultAt == null ? "" : String.format(
                    Locale.ROOT, ", %.1f s after the fault began", Duration.between(faultAt, Instant.now())
                        .toMillis() / 1000.0)) + "; weights now " + rollout.path("weights"));
                return;
            }
            if (Instant.now().isAfter(lastView.plusSeconds(10))) {
                lastView = Instant.now();
                say.accept("  " + id + " step " + step + " " + rollout.path("weights") + ": "
                    + judgeView(rollout.path("judge")) + "; the clients were answered by " + since(answersAtStep));
            }
            if (hook != null && faultAt == null && hook.afterCandidateSamples(rollout.path("judge"))) {
                faultAt = Instant.now();
            }
            Thread.sleep(Duration.ofMillis(500));
        }
        say.accept("  " + id + " did not end within " + LONGEST.toMinutes() + " minutes; it goes on");
    }

    /** The demo's fault: once the bad candidate has served 60 calls at its first step, it fails half of them. */
    private boolean breakOnceCalled(final JsonNode judge) throws IOException, InterruptedException {
        if (judge.path("candidate").path("samples").asLong() < 60) {
            return false;
        }
        knobs("{\"error_rate\": 0.5}");
        say.accept("  v3's simulator now fails half its calls (PUT :" + settings.simulatorV3Port() + "/sim/knobs)");
        return true;
    }

    @FunctionalInterface
    private interface StepHook {
        boolean afterCandidateSamples(JsonNode judge) throws IOException, InterruptedException;
    }

    private static String judgeView(final JsonNode judge) {
        if (!judge.has("verdict")) {
            return judge.path("unavailable").asString("the judge has not looked yet");
        }
        final StringBuilder view = new StringBuilder(judge.path("verdict").asString()).append(" (")
            .append(judge.path("reason").asString()).append(")");
        for (final JsonNode gate : judge.path("gates")) {
            view.append(String.format(Locale.ROOT, "; %s: %s in [%s, %s] %s", gate.path("gate").asString(),
                number(gate.path("estimate")), number(gate.path("low")), number(gate.path("high")),
                gate.path("state").asString()));
        }
        return view.toString();
    }

    private static String number(final JsonNode value) {
        return value.isNumber() ? String.format(Locale.ROOT, "%.4g", value.asDouble()) : "-";
    }

    /** The clients' answers since {@code before}, by what answered them. */
    private Map<String, Long> since(final Map<String, Long> before) {
        final Map<String, Long> counts = traffic.answered();
        counts.replaceAll((by, count) -> count - before.getOrDefault(by, 0L));
        return counts;
    }

    /** The finished candidate becomes the default once stats-streams has settled the configuration, a moment later. */
    private String awaitDefault(final String version) throws IOException, InterruptedException {
        final Instant start = Instant.now();
        Instant lastSaid = start;
        String current = calls.defaultVersion(PROVIDER);
        while (!current.equals(version) && Instant.now().isBefore(start.plus(SETTLING))) {
            if (Instant.now().isAfter(lastSaid.plusSeconds(10))) {
                lastSaid = Instant.now();
                say.accept("  waiting for stats-streams to settle the configuration: the default is still " + current
                    + " after " + Duration.between(start, lastSaid).toSeconds() + " s");
            }
            Thread.sleep(Duration.ofMillis(200));
            current = calls.defaultVersion(PROVIDER);
        }
        return current;
    }

    private void knobs(final String body) throws IOException, InterruptedException {
        calls.knobs(settings.simulatorV3Port(), body);
    }

    /** One client calling back to back, each call from a new user, so the sticky split is the step's share. */
    private void client(final AtomicBoolean calling) {
        while (calling.get()) {
            try {
                traffic.sendAsNewUser();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static String id(final JsonNode rollout) {
        return rollout.path("rollout_id").asString();
    }
}
