package dev.switchboard.stats.replay;

import dev.switchboard.stats.query.StatsJson;
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
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code replay --provider LLM/OllamaLLM|--experiment NAME --from T --to T [--out report.json]
 * [--bootstrap-servers HOST:PORT]}: recomputes stats from the outcome topic and writes a JSON report whose days
 * have the fields of the live daily answer. {@code T} is an instant ({@code 2026-11-22T10:00:00Z}) or a UTC day
 * ({@code 2026-11-22}: its midnight).
 */
public final class ReplayCommand {

    private ReplayCommand() {
    }

    /** @return the process exit code: 0 done, 2 bad arguments */
    public static int run(final String[] args) throws IOException {
        final Map<String, String> options;
        final Replay.Selection selection;
        final Instant from;
        final Instant to;
        try {
            options = options(args);
            selection = selection(options);
            from = time("--from", options.get("--from"));
            to = time("--to", options.get("--to"));
        } catch (IllegalArgumentException e) {
            System.err.println("replay: " + e.getMessage());
            System.err.println("usage: replay --provider CATEGORY/NAME | --experiment NAME --from T --to T"
                + " [--out FILE] [--bootstrap-servers HOST:PORT]   (T: 2026-11-22 or 2026-11-22T10:00:00Z)");
            return 2;
        }
        final Map<String, Object> config = Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, options.getOrDefault("--bootstrap-servers",
                System.getenv().getOrDefault("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092")),
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
            ConsumerConfig.CLIENT_ID_CONFIG, "switchboard-replay");
        final Replay.Report report;
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            report = Replay.run(consumer, selection, from, to);
        }
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

    private static Instant time(final String option, final String value) {
        if (value == null) {
            throw new IllegalArgumentException(option + " is required");
        }
        try {
            return value.contains("T") ? Instant.parse(value)
                : LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(option + " must be 2026-11-22 or 2026-11-22T10:00:00Z, got '" + value
                + "'");
        }
    }
}
