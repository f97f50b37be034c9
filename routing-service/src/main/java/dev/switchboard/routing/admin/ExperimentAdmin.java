package dev.switchboard.routing.admin;

import static dev.switchboard.routing.admin.AdminBodies.number;
import static dev.switchboard.routing.admin.AdminBodies.text;

import dev.switchboard.common.kafka.CompactedTopicView;
import dev.switchboard.events.ConfigChange;
import dev.switchboard.events.Experiment;
import dev.switchboard.events.ExperimentArm;
import dev.switchboard.events.ExperimentFeedback;
import dev.switchboard.events.ExperimentMetric;
import dev.switchboard.events.ExperimentStatus;
import dev.switchboard.routing.controlplane.ConfigStore;
import dev.switchboard.routing.controlplane.ConfigWriter;
import dev.switchboard.routing.table.Provider;
import dev.switchboard.schemas.Topics;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Seed 002's experiments: created, started, paused and stopped as events on {@code switchboard.experiments}, so
 * every router assigns subjects alike and stats-streams judges them with the same definition. Each change is
 * audited. Checks every field and says which one is wrong.
 */
final class ExperimentAdmin {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final Set<String> FIELDS = Set.of("experiment_name", "provider", "model_a", "model_b", "arms",
        "traffic_split", "success_metric", "duration_days", "minimum_sample", "minimum_detectable_effect", "alpha",
        "power");

    private final ConfigWriter writer;
    private final ConfigStore store;
    private final CompactedTopicView<Experiment> view;
    private final ModelRegistry models;
    private final Clock clock;
    private final String instanceId;

    ExperimentAdmin(final ConfigWriter writer, final ConfigStore store, final CompactedTopicView<Experiment> view,
                    final ModelRegistry models, final Clock clock, final String instanceId) {
        this.writer = writer;
        this.store = store;
        this.view = view;
        this.models = models;
        this.clock = clock;
        this.instanceId = instanceId;
    }

    List<Experiment> list(final Optional<String> provider, final Optional<String> status) {
        return view.snapshot().values().stream()
            .filter(e -> provider.map(p -> p.equals(e.getCategory() + "/" + e.getProvider())).orElse(true))
            .filter(e -> status.map(s -> s.equalsIgnoreCase(e.getStatus().name())).orElse(true))
            .sorted(Comparator.comparing(Experiment::getName)).toList();
    }

    Experiment get(final String name) {
        return view.get(name).orElseThrow(() -> AdminException.notFound("No experiment named '" + name + "'"));
    }

    Experiment create(final String actor, final JsonNode body) {
        AdminBodies.object(body, FIELDS, "experiment_name, provider, model_a, model_b, traffic_split, "
            + "success_metric and duration_days");
        final String name = text(body, "experiment_name");
        if (!NAME.matcher(name).matches()) {
            throw AdminException.badRequest("'experiment_name' must be 1-100 letters, digits, '.', '_' or '-'");
        }
        if (view.get(name).isPresent()) {
            throw AdminException.conflict("An experiment named '" + name + "' exists already");
        }
        final Provider provider = AdminBodies.provider(store, text(body, "provider"));
        final Map<String, String> arms = versionsOf(arms(body), provider);
        final List<ExperimentArm> split = split(body, arms);
        final Instant now = clock.instant();
        final Experiment experiment = Experiment.newBuilder()
            .setName(name).setCategory(provider.category()).setProvider(provider.name()).setArms(split)
            .setSuccessMetric(metric(text(body, "success_metric")))
            .setMinimumDetectableEffect(number(body, "minimum_detectable_effect", 0.05, 0.0001, 1))
            .setAlpha(number(body, "alpha", 0.05, 0.0001, 0.2))
            .setPower(number(body, "power", 0.8, 0.5, 0.999))
            .setMinimumSample(body.has("minimum_sample") ? (long) number(body, "minimum_sample", 0, 1, 1e9) : null)
            .setDurationDays((int) number(body, "duration_days", Double.NaN, 1, 365))
            .setStatus(ExperimentStatus.RUNNING).setSalt(UUID.randomUUID().toString()).setCreatedBy(actor)
            .setCreatedAt(now).setUpdatedAt(now).setStartedAt(now)
            .build();
        refuseASecondRunningExperiment(experiment);
        return write(actor, "create_experiment", null, experiment);
    }

    /** {@code start} (again, after a pause), {@code pause} or {@code stop}; a stopped experiment stays stopped. */
    Experiment change(final String actor, final String name, final String action) {
        final Experiment current = get(name);
        final ExperimentStatus from = current.getStatus();
        final ExperimentStatus to = switch (action) {
            case "start" -> ExperimentStatus.RUNNING;
            case "pause" -> ExperimentStatus.PAUSED;
            case "stop" -> ExperimentStatus.STOPPED;
            default -> throw AdminException.badRequest("Unknown action '" + action + "': start, pause or stop");
        };
        final boolean legal = switch (to) {
            case RUNNING -> from == ExperimentStatus.PAUSED || from == ExperimentStatus.CREATED;
            case PAUSED -> from == ExperimentStatus.RUNNING;
            case STOPPED -> from == ExperimentStatus.RUNNING || from == ExperimentStatus.PAUSED;
            default -> false;
        };
        if (!legal) {
            throw AdminException.conflict("Experiment '" + name + "' is " + status(from) + "; it cannot " + action);
        }
        final Instant now = clock.instant();
        final Experiment changed = Experiment.newBuilder(current).setStatus(to).setUpdatedAt(now)
            .setStartedAt(current.getStartedAt() == null && to == ExperimentStatus.RUNNING ? now
                : current.getStartedAt())
            .build();
        if (to == ExperimentStatus.RUNNING) {
            refuseASecondRunningExperiment(changed);
        }
        return write(actor, action + "_experiment", current, changed);
    }

    /**
     * A client's quality score for one of its requests in the experiment; stats-streams joins it to the request's
     * outcome (within a day), so it counts in the arm that served it.
     */
    ExperimentFeedback feedback(final String name, final JsonNode body) {
        final Experiment experiment = get(name);
        if (experiment.getStatus() == ExperimentStatus.CREATED) {
            throw AdminException.conflict("Experiment '" + name + "' has not started");
        }
        return AdminBodies.recordScore(writer, body, name, clock.instant(), instanceId);
    }

    static String status(final ExperimentStatus status) {
        return status.name().toLowerCase(Locale.ROOT);
    }

    private Experiment write(final String actor, final String action, final Experiment before,
                             final Experiment after) {
        final String provider = after.getCategory() + "/" + after.getProvider();
        final ConfigChange audit = AdminBodies.audit(actor, after.getUpdatedAt(), action, after.getName(), before,
            after, instanceId);
        AdminBodies.commitAndAwait(writer, writer.changes().putExperiment(after).audit(audit, provider), view,
            Topics.EXPERIMENTS);
        return after;
    }

    private void refuseASecondRunningExperiment(final Experiment experiment) {
        view.snapshot().values().stream()
            .filter(other -> !other.getName().equals(experiment.getName()))
            .filter(other -> other.getStatus() == ExperimentStatus.RUNNING)
            .filter(other -> other.getCategory().equals(experiment.getCategory())
                && other.getProvider().equals(experiment.getProvider()))
            .findFirst().ifPresent(other -> {
                throw AdminException.conflict("Experiment '" + other.getName() + "' is running on "
                    + experiment.getCategory() + "/" + experiment.getProvider()
                    + " already; a subject can be in one experiment per provider. Pause or stop it first");
            });
    }

    /** Arm name to what serves it: model_a and model_b, and any further arms given under "arms". */
    private static Map<String, String> arms(final JsonNode body) {
        final Map<String, String> arms = new LinkedHashMap<>();
        arms.put("model_a", text(body, "model_a"));
        arms.put("model_b", text(body, "model_b"));
        final JsonNode more = body.path("arms");
        if (!more.isMissingNode()) {
            if (!more.isObject()) {
                throw AdminException.badRequest("'arms' must be an object of arm name to version");
            }
            for (final Iterator<Map.Entry<String, JsonNode>> it = more.properties().iterator(); it.hasNext(); ) {
                final Map.Entry<String, JsonNode> arm = it.next();
                if (!arm.getValue().isString() || arms.containsKey(arm.getKey())) {
                    throw AdminException.badRequest("'arms." + arm.getKey() + "' must be a version name, once");
                }
                arms.put(arm.getKey(), arm.getValue().asString());
            }
        }
        return arms;
    }

    /**
     * Each arm's provider version: an arm names a registered model (seed 002's model ids) of the provider, or one
     * of its versions directly.
     */
    private Map<String, String> versionsOf(final Map<String, String> arms, final Provider provider) {
        final Map<String, String> versions = new LinkedHashMap<>();
        arms.forEach((arm, named) -> {
            final String version = models.find(named).map(model -> {
                if (!(model.getCategory() + "/" + model.getProvider()).equals(provider.id())) {
                    throw AdminException.badRequest("'" + arm + "' names model " + named + ", which runs on "
                        + model.getCategory() + "/" + model.getProvider() + ", not " + provider.id());
                }
                return model.getVersion();
            }).orElse(named);
            if (provider.version(version).isEmpty()) {
                throw AdminException.badRequest("'" + arm + "' names '" + named + "', neither a registered model nor "
                    + "a version of " + provider.id());
            }
            versions.put(arm, version);
        });
        if (Set.copyOf(versions.values()).size() != versions.size()) {
            throw AdminException.badRequest("Each arm needs a version of its own, got " + versions);
        }
        return versions;
    }

    private static List<ExperimentArm> split(final JsonNode body, final Map<String, String> arms) {
        final JsonNode split = body.path("traffic_split");
        if (!split.isObject() || !Set.copyOf(split.propertyNames()).equals(arms.keySet())) {
            throw AdminException.badRequest("'traffic_split' must give a share to each arm, " + arms.keySet());
        }
        final List<ExperimentArm> result = new ArrayList<>();
        double sum = 0;
        for (final Map.Entry<String, String> arm : arms.entrySet()) {
            final JsonNode share = split.path(arm.getKey());
            if (!share.isNumber() || !(share.asDouble() > 0) || share.asDouble() > 1) {
                throw AdminException.badRequest("'traffic_split." + arm.getKey() + "' must be a number in (0, 1]");
            }
            sum += share.asDouble();
            result.add(new ExperimentArm(arm.getKey(), arm.getValue(), share.asDouble()));
        }
        if (Math.abs(sum - 1) > 1e-6) {
            throw AdminException.badRequest("'traffic_split' must add up to 1, got " + sum);
        }
        return result;
    }

    private static ExperimentMetric metric(final String name) {
        return switch (name) {
            case "success_rate" -> ExperimentMetric.SUCCESS_RATE;
            case "latency" -> ExperimentMetric.LATENCY;
            case "tokens" -> ExperimentMetric.TOKENS;
            case "score" -> ExperimentMetric.SCORE;
            default -> throw AdminException.badRequest("'success_metric' must be one of success_rate, latency, "
                + "tokens, score; got '" + name + "'");
        };
    }
}
