package dev.switchboard.launcher;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;

/**
 * The launcher's adaptive-experiment demo, through the public APIs only: a second provider, {@code LLM/AssistantLLM},
 * has three versions on three simulators, two failing 12% of their calls and one 2%; an adaptive experiment over
 * the three (success rate, confidence 0.95) moves new users toward the better one as its evidence comes in, stops
 * once it is the best with that confidence, and promotes it; then its decisions are re-made from the topics and
 * compared. New users arrive at a steady pace meanwhile; every decision is printed as stats-streams logs it. An
 * experiment left running by an earlier start is followed to its end.
 */
final class ExperimentDemo {

    static final String PROVIDER = "LLM/AssistantLLM";
    private static final String MODEL = "AssistantLLM";
    private static final List<String> VERSIONS = List.of("v1", "v2", "v3");
    /** What the simulators fail: v3 is the better version the search should find. */
    private static final List<Double> ERROR_RATES = List.of(0.12, 0.12, 0.02);
    /**
     * New users a second: a decision every 5 s then weighs a hundred or so of the experiment's outcomes (a fifth of
     * the users are enrolled at first, more at each decision), so the first decisions explore and the shares move.
     */
    private static final int USERS_PER_SECOND = 100;
    private static final int DECIDE_EVERY_SECONDS = 5;
    /** Calls in flight at most: a stalled router makes the demo skip users rather than pile them up. */
    private static final int IN_FLIGHT = 64;
    private static final Duration LONGEST = Duration.ofMinutes(10);
    private static final Duration SETTLING = Duration.ofMinutes(2);

    private final LauncherSettings settings;
    private final Consumer<String> say;
    private final DemoCalls calls;
    private final DemoTraffic traffic;

    ExperimentDemo(final LauncherSettings settings, final Consumer<String> say) {
        final String router = "http://127.0.0.1:" + settings.routerPort();
        this.settings = settings;
        this.say = say;
        this.calls = new DemoCalls(router, settings.adminToken());
        this.traffic = new DemoTraffic(router, settings.firstClientKey(), MODEL);
    }

    void run() throws InterruptedException {
        final AtomicBoolean calling = new AtomicBoolean(true);
        Thread users = null;
        try {
            final JsonNode left = calls.admin("GET", "/api/experiments?provider=" + PROVIDER + "&status=running", null)
                .path("data");
            final String name;
            if (!left.isEmpty()) {
                name = left.get(0).path("experiment_name").asString();
                say.accept("Experiment demo: " + name + " was left running; following it to its end");
            } else {
                provider();
                name = create();
            }
            users = Thread.ofVirtual().name("experiment-demo-users").start(() -> newUsers(calling));
            follow(name);
            say.accept("Experiment demo done: the decisions are on switchboard.experiment-allocations, the "
                + "promotion on switchboard.config-audit; /console/experiments shows the search");
        } catch (IOException | RuntimeException e) {
            say.accept("Experiment demo stopped: " + e.getMessage());
        } finally {
            calling.set(false);
            if (users != null) {
                users.join();
            }
        }
    }

    /** The provider's three versions (kept from an earlier start if there), and what each simulator fails. */
    private void provider() throws IOException, InterruptedException {
        for (int i = 0; i < VERSIONS.size(); i++) {
            final int port = settings.assistantPorts().get(i);
            calls.knobs(port, String.format(Locale.ROOT, "{\"error_rate\": %s}", ERROR_RATES.get(i)));
            final HttpResponse<String> added = calls.sendOnceReady("POST", "/api/system-configs/provider",
                "{\"category\": \"LLM\", \"name\": \"" + MODEL + "\", \"version\": \"" + VERSIONS.get(i)
                    + "\", \"type\": \"openai\", \"model_name\": \"assistant-" + VERSIONS.get(i)
                    + "\", \"url\": \"http://127.0.0.1:" + port + "\", \"weight\": " + (i == 0 ? 100 : 0)
                    + ", \"is_active\": true, \"is_default\": " + (i == 0) + "}", SETTLING, say);
            if (added.statusCode() >= 300 && added.statusCode() != 409) {
                throw new IllegalStateException("the router refused version " + VERSIONS.get(i) + " of " + PROVIDER
                    + ": " + added.body());
            }
        }
        say.accept(String.format(Locale.ROOT, "Experiment demo: %s has versions v1, v2 and v3 (simulators on :%d, "
            + ":%d, :%d), failing %.0f%%, %.0f%% and %.0f%% of their calls", PROVIDER,
            settings.assistantPorts().get(0), settings.assistantPorts().get(1), settings.assistantPorts().get(2),
            ERROR_RATES.get(0) * 100, ERROR_RATES.get(1) * 100, ERROR_RATES.get(2) * 100));
    }

    /** The experiment: the provider's default is the control, the other two versions its rivals. */
    private String create() throws IOException, InterruptedException {
        final String control = calls.defaultVersion(PROVIDER);
        final List<String> rivals = new ArrayList<>(VERSIONS);
        rivals.remove(control);
        final String name = "assistant-search-" + UUID.randomUUID().toString().substring(0, 6);
        final HttpResponse<String> answer = calls.sendOnceReady("POST", "/api/experiments", "{\"experiment_name\": \""
            + name + "\", \"provider\": \"" + PROVIDER + "\", \"model_a\": \"" + control + "\", \"model_b\": \""
            + rivals.get(0) + "\", \"arms\": {\"model_c\": \"" + rivals.get(1) + "\"}, \"mode\": \"adaptive\", "
            + "\"success_metric\": \"success_rate\", \"confidence\": 0.95, \"minimum_sample\": 100, "
            + "\"duration_days\": 1, \"decide_every_seconds\": " + DECIDE_EVERY_SECONDS + ", \"promote_winner\": true}",
            SETTLING, say);
        if (answer.statusCode() != 201) {
            throw new IllegalStateException("the router refused the experiment: " + answer.body());
        }
        say.accept("Experiment demo: " + name + " searches " + PROVIDER + "'s best version by success rate (model_a "
            + control + ", model_b " + rivals.get(0) + ", model_c " + rivals.get(1) + "), confidence 0.95, a decision "
            + "every " + DECIDE_EVERY_SECONDS + " s, the winner promoted; " + USERS_PER_SECOND + " new users a second");
        return name;
    }

    /** Prints each decision as stats-streams logs it, until the experiment is over; then the promotion and replay. */
    private void follow(final String name) throws IOException, InterruptedException {
        final Instant deadline = Instant.now().plus(LONGEST);
        long printed = -1;
        final Set<String> out = new HashSet<>();
        String status = "running";
        String state = "exploring";
        while (Instant.now().isBefore(deadline) && !over(status, state)) {
            final HttpResponse<String> logged = calls.send("GET", "/api/experiments/" + name + "/decisions", null);
            if (logged.statusCode() == 200) { // else busy with another reader, or stats-streams starting: next time
                for (final JsonNode decision : calls.read(logged.body()).path("decisions")) {
                    if (decision.path("sequence").asLong() > printed) {
                        printed = decision.path("sequence").asLong();
                        state = decision.path("state").asString();
                        say.accept(describe(decision, out));
                    }
                }
            }
            status = calls.admin("GET", "/api/experiments/" + name, null).path("data").path("status").asString();
            Thread.sleep(Duration.ofSeconds(1));
        }
        if (!over(status, state)) {
            say.accept("  " + name + " did not end within " + LONGEST.toMinutes() + " minutes; it goes on");
            return;
        }
        say.accept("  " + name + " " + status + "; the users were answered by " + traffic.answered() + "; "
            + PROVIDER + " now: " + versions());
        final JsonNode replay = calls.admin("GET", "/api/experiments/" + name + "/decisions/replay", null);
        say.accept("  " + name + " replayed from the outcome and feedback topics: " + replay.path("outcomes").asLong()
            + " outcomes, " + replay.path("replayed").asInt() + " decisions re-made against "
            + replay.path("logged").asInt() + " logged, " + (replay.path("reproduced").asBoolean() ? "reproduced"
            : "differences " + replay.path("differences")));
    }

    /** Stopped (a winner promoted, or an operator), or no clear winner (the experiment then enrolls nobody). */
    private static boolean over(final String status, final String state) {
        return !status.equals("running") && !status.equals("paused") || state.equals("no_clear_winner");
    }

    /**
     * One decision, as an operator reads it: each arm's success rate, interval, samples, chance of being best, share,
     * and why it was eliminated, the first time; {@code out} holds the arms whose elimination was printed.
     */
    private static String describe(final JsonNode decision, final Set<String> out) {
        final StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  decision %d (%d outcomes): %s",
            decision.path("sequence").asLong(), decision.path("outcomes_seen").asLong(),
            decision.path("state").asString().replace('_', ' ').toUpperCase(Locale.ROOT)));
        for (final JsonNode arm : decision.path("arms")) {
            line.append(String.format(Locale.ROOT, "; %s %s ", arm.path("arm").asString(),
                arm.path("version").asString()));
            if (arm.path("estimate").isNumber()) {
                line.append(String.format(Locale.ROOT, "%.3f [%.3f, %.3f] of %d, P(best) %.0f%%, ",
                    arm.path("estimate").asDouble(), arm.path("low").asDouble(), arm.path("high").asDouble(),
                    arm.path("samples").asLong(), arm.path("probability_best").asDouble() * 100));
            } else {
                line.append("no sample yet, ");
            }
            line.append(String.format(Locale.ROOT, "share %.0f%%", arm.path("share").asDouble() * 100));
            final String eliminated = arm.path("eliminated").asString("");
            if (!eliminated.isEmpty()) {
                line.append(out.add(arm.path("arm").asString()) ? " (out: " + eliminated + ")" : " (out)");
            }
        }
        return line.append(" -- ").append(decision.path("reason").asString()).toString();
    }

    /** Each version's weight, the default marked. */
    private String versions() throws IOException, InterruptedException {
        final List<String> described = new ArrayList<>();
        for (final JsonNode version : calls.versions(PROVIDER)) {
            described.add(version.path("version").asString() + " weight " + version.path("weight").asInt()
                + (version.path("is_default").asBoolean() ? " (default)" : ""));
        }
        return String.join(", ", described);
    }

    /** New users at a steady pace, each call on its own virtual thread, while {@code calling}. */
    private void newUsers(final AtomicBoolean calling) {
        final Semaphore inFlight = new Semaphore(IN_FLIGHT);
        final long gap = Duration.ofSeconds(1).toNanos() / USERS_PER_SECOND;
        long next = System.nanoTime();
        while (calling.get()) {
            if (inFlight.tryAcquire()) {
                Thread.ofVirtual().start(() -> {
                    try {
                        traffic.sendAsNewUser();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        inFlight.release();
                    }
                });
            }
            next += gap;
            LockSupport.parkNanos(next - System.nanoTime());
        }
    }
}
