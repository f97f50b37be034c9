package dev.switchboard.stats.replay;

import dev.switchboard.schemas.ExperimentSchedule;
import dev.switchboard.schemas.Topics;
import dev.switchboard.stats.json.StatsJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code replay --provider CATEGORY/NAME | --experiment NAME [--from T] [--to T] [--out report.json]
 * [--report DIR] [--bootstrap-servers HOST:PORT]}: recomputes stats from the outcome topic and writes a JSON report
 * whose days have the fields of the live daily answer; for an experiment, {@code --report} also writes a Markdown
 * report with PNG charts into {@code DIR}. {@code T} is an instant ({@code 2026-11-22T10:00:00Z}) or a UTC day
 * ({@code 2026-11-22}: its midnight); a provider needs both, an experiment's range defaults to when it began, to now.
 */
public final class ReplayCommand {

    private static final String USAGE = "usage: replay --provider CATEGORY/NAME --from T --to T | --experiment NAME"
        + " [--from T] [--to T] [--report DIR]   [--out FILE] [--bootstrap-servers HOST:PORT]"
        + "   (T: 2026-11-22 or 2026-11-22T10:00:00Z)";

    private ReplayCommand() {
    }

    /** @return the process exit code: 0 done, 2 bad arguments or nothing to replay */
    public static int run(final String[] args) throws IOException {
        final Map<String, String> options;
        final Replay.Selection selection;
        final Optional<Instant> from;
        final Optional<Instant> to;
        try {
            options = options(args);
            selection = selection(options);
            from = time("--from", options.get("--from"));
            to = time("--to", options.get("--to"));
            if (selection instanceof Replay.Selection.OfProvider && (from.isEmpty() || to.isEmpty())) {
                throw new IllegalArgumentException("a provider's replay needs --from and --to");
            }
            if (options.containsKey("--report") && !(selection instanceof Replay.Selection.OfExperiment)) {
                throw new IllegalArgumentException("--report is for an experiment: give --experiment NAME");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("replay: " + e.getMessage());
            System.err.println(USAGE);
            return 2;
        }
        final Map<String, Object> config = Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, options.getOrDefault("--bootstrap-servers",
                System.getenv().getOrDefault("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092")),
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
            ConsumerConfig.CLIENT_ID_CONFIG, "switchboard-replay");
        final Instant now = Instant.now();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            final Optional<ExperimentReplay.Result> reported = options.containsKey("--report")
                ? Optional.of(report(consumer, ((Replay.Selection.OfExperiment) selection).experiment(), from, to,
                    now, Path.of(options.get("--report"))))
                : Optional.empty();
            if (reported.isPresent() && !options.containsKey("--out")) {
                return 0;
            }
            // With a report, the JSON covers the range the report did, its definition read once.
            final Instant start = reported.map(ExperimentReplay.Result::from).or(() -> from)
                .orElseGet(() -> began(consumer, selection));
            final Replay.Report report = Replay.run(consumer, selection, start, to.orElse(now));
            final String json = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build()
                .writeValueAsString(toJson(report));
            if (options.containsKey("--out")) {
                Files.writeString(Path.of(options.get("--out")), json);
                System.out.println("replay: " + report.recordsRead() + " outcomes read, " + report.undecodable()
                    + " undecodable; report written to " + options.get("--out"));
            } else {
                System.out.println(json);
            }
            return 0;
        } catch (IllegalArgumentException e) {
            System.err.println("replay: " + e.getMessage());
            return 2;
        }
    }

    private static ExperimentReplay.Result report(final KafkaConsumer<String, byte[]> consumer,
                                                 final String experiment, final Optional<Instant> from,
                                                 final Optional<Instant> to, final Instant now, final Path directory)
        throws IOException {
        System.setProperty("java.awt.headless", "true"); // charts are drawn off screen, with or without a display
        final ExperimentReplay.Result replay = ExperimentReplay.run(consumer, experiment, from, to, now);
        final ExperimentReport.Written written = ExperimentReport.write(replay, directory, now);
        System.out.println("replay: " + replay.outcomes() + " outcomes and " + replay.scores() + " scores of "
            + experiment + " from " + replay.from() + " to " + replay.to() + "; verdict "
            + written.result().comparisons().stream().map(c -> c.candidate() + " " + c.verdict().jsonName()).toList()
            + "; report written to " + written.markdown());
        return replay;
    }

    private static Instant began(final KafkaConsumer<String, byte[]> consumer, final Replay.Selection selection) {
        final String experiment = ((Replay.Selection.OfExperiment) selection).experiment();
        return ExperimentReplay.definition(consumer, experiment).map(ExperimentSchedule::began)
            .orElseThrow(() -> new IllegalArgumentException("there is no experiment '" + experiment + "' on "
                + Topics.EXPERIMENTS + "; give --from to replay its outcomes anyway"));
    }

    /** The report as JSON: each group's days in the live daily answer's shape. */
    public static Map<String, Object> toJson(final Replay.Report report) {
        final Map<String, Object> json = new LinkedHashMap<>();
        switch (report.selection()) {
            case Replay.Selection.OfProvider provider -> json.put("provider", provider.provider());
            case Replay.Selection.OfExperiment experiment -> json.put("experiment", experiment.experiment());
        }
        json.put("from", report.from().toString());
        json.put("to", report.to().toString());
        json.put("records_read", report.recordsRead());
        json.put("undecodable", report.undecodable());
        final Map<String, Object> groups = new LinkedHashMap<>();
        report.groups().forEach((group, days) -> {
            final List<Map<String, Object>> data = new ArrayList<>();
            days.forEach((day, stats) -> data.add(StatsJson.of(Map.of("date", day.toString()), stats)));
            groups.put(group, Map.of("data", data));
        });
        json.put("groups", groups);
        return json;
    }

    private static Map<String, String> options(final String[] args) {
        final Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --option value pairs, got '" + args[i] + "'");
            }
            options.put(args[i], args[i + 1]);
        }
        return options;
    }

    private static Replay.Selection selection(final Map<String, String> options) {
        final String provider = options.get("--provider");
        final String experiment = options.get("--experiment");
        if ((provider == null) == (experiment == null)) {
            throw new IllegalArgumentException("give exactly one of --provider and --experiment");
        }
        if (provider != null && provider.split("/").length != 2) {
            throw new IllegalArgumentException("--provider is CATEGORY/NAME, e.g. LLM/OllamaLLM; got '" + provider + "'");
        }
        return provider != null ? new Replay.Selection.OfProvider(provider)
            : new Replay.Selection.OfExperiment(experiment);
    }

    private static Optional<Instant> time(final String option, final String value) {
        if (value == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(value.contains("T") ? Instant.parse(value)
                : LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(option + " must be 2026-11-22 or 2026-11-22T10:00:00Z, got '" + value
                + "'");
        }
    }
}
