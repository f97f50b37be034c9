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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code replay --provider CATEGORY/NAME | --experiment NAME [--from T] [--to T] [--out report.json]
 * [--report DIR] [--bootstrap-servers HOST:PORT]}: recomputes stats from the outcome topic and writes a JSON report
 * whose days have the fields of the live daily answer; for an experiment, {@code --report} also writes a Markdown
 * report with PNG charts into {@code DIR}. {@code T} is an instant ({@code 2026-11-22T10:00:00Z}) or a UTC day
 * ({@code 2026-11-22}: its midnight); a provider needs both, an experiment's range defaults to when it began, to now.
 * Its arguments are read by picocli, which also answers {@code --help}.
 */
@Command(name = "replay", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Recomputes stats from the outcome topic: a provider's daily stats, or an experiment's (with "
        + "--report, a Markdown report with PNG charts). T is 2026-11-22 (its UTC midnight) or 2026-11-22T10:00:00Z.")
public final class ReplayCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--provider", paramLabel = "CATEGORY/NAME", description = "a provider's daily stats")
    private String provider;

    @Option(names = "--experiment", paramLabel = "NAME", description = "an experiment's arms")
    private String experiment;

    @Option(names = "--from", paramLabel = "T", converter = TimeConverter.class,
        description = "from (a provider needs it; an experiment's default: when it began)")
    private Instant from;

    @Option(names = "--to", paramLabel = "T", converter = TimeConverter.class,
        description = "to (a provider needs it; an experiment's default: now)")
    private Instant to;

    @Option(names = "--report", paramLabel = "DIR", description = "an experiment's Markdown report and charts, here")
    private Path reportDirectory;

    @Option(names = "--out", paramLabel = "FILE", description = "the JSON report, here rather than to stdout")
    private Path out;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
        description = "the broker (default: KAFKA_BOOTSTRAP_SERVERS, else localhost:9092)")
    private String bootstrapServers;

    /** @return the process exit code: 0 done, 2 bad arguments or nothing to replay */
    public static int run(final String[] args) {
        return new CommandLine(new ReplayCommand()).execute(args);
    }

    @Override
    public Integer call() throws IOException {
        final Replay.Selection selection = selection();
        if (selection instanceof Replay.Selection.OfProvider && (from == null || to == null)) {
            throw new ParameterException(spec.commandLine(), "a provider's replay needs --from and --to");
        }
        if (reportDirectory != null && !(selection instanceof Replay.Selection.OfExperiment)) {
            throw new ParameterException(spec.commandLine(), "--report is for an experiment: give --experiment NAME");
        }
        final Map<String, Object> config = Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers != null ? bootstrapServers
                : System.getenv().getOrDefault("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092"),
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
            ConsumerConfig.CLIENT_ID_CONFIG, "switchboard-replay");
        final Instant now = Instant.now();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            final Optional<ExperimentReplay.Result> reported = reportDirectory != null
                ? Optional.of(report(consumer, ((Replay.Selection.OfExperiment) selection).experiment(),
                    Optional.ofNullable(from), Optional.ofNullable(to), now, reportDirectory))
                : Optional.empty();
            if (reported.isPresent() && out == null) {
                return 0;
            }
            // With a report, the JSON covers the range the report did, its definition read once.
            final Instant start = reported.map(ExperimentReplay.Result::from).or(() -> Optional.ofNullable(from))
                .orElseGet(() -> began(consumer, selection));
            final Replay.Report report = Replay.run(consumer, selection, start, to != null ? to : now);
            final String json = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build()
                .writeValueAsString(toJson(report));
            if (out != null) {
                Files.writeString(out, json);
                System.out.println("replay: " + report.recordsRead() + " outcomes read, " + report.undecodable()
                    + " undecodable; report written to " + out);
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

    private Replay.Selection selection() {
        if ((provider == null) == (experiment == null)) {
            throw new ParameterException(spec.commandLine(), "give exactly one of --provider and --experiment");
        }
        if (provider != null && provider.split("/").length != 2) {
            throw new ParameterException(spec.commandLine(),
                "--provider is CATEGORY/NAME, e.g. LLM/OllamaLLM; got '" + provider + "'");
        }
        return provider != null ? new Replay.Selection.OfProvider(provider)
            : new Replay.Selection.OfExperiment(experiment);
    }

    /** An instant ({@code 2026-11-22T10:00:00Z}) or a UTC day ({@code 2026-11-22}: its midnight). */
    static final class TimeConverter implements CommandLine.ITypeConverter<Instant> {
        @Override
        public Instant convert(final String value) {
            try {
                return value.contains("T") ? Instant.parse(value)
                    : LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException e) {
                throw new CommandLine.TypeConversionException("must be 2026-11-22 or 2026-11-22T10:00:00Z, got '"
                    + value + "'");
            }
        }
    }
}
