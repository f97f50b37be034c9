package dev.switchboard.stats.query;

import dev.switchboard.stats.replay.ExperimentReplay;
import dev.switchboard.stats.replay.ExperimentReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.Consumer;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.node.Image;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * An experiment's report, rendered on request from the topics as {@code replay --experiment NAME --report DIR}
 * writes it (the same analysis, charts and words), and answered as one HTML fragment with its charts inline, for
 * the console. Reading an experiment's outcomes from its start takes a while on a long experiment: one report is
 * made at a time, and a second request meanwhile is told to come back.
 */
@RestController
class ExperimentReportController {

    private final Supplier<Consumer<String, byte[]>> consumers;
    private final Clock clock;
    private final Semaphore oneAtATime = new Semaphore(1);
    private final Parser markdown = Parser.builder().extensions(List.of(TablesExtension.create())).build();

    ExperimentReportController(final Supplier<Consumer<String, byte[]>> reportConsumers, final Clock clock) {
        this.consumers = reportConsumers;
        this.clock = clock;
    }

    @GetMapping("/api/experiments/{name}/report")
    Map<String, Object> report(@PathVariable final String name) throws IOException {
        if (!oneAtATime.tryAcquire()) {
            throw new ReportBusyException();
        }
        Path directory = null;
        try (Consumer<String, byte[]> consumer = consumers.get()) {
            directory = Files.createTempDirectory("switchboard-report-");
            final Instant now = clock.instant();
            final ExperimentReplay.Result replay;
            try {
                replay = ExperimentReplay.run(consumer, name, Optional.empty(), Optional.empty(), now);
            } catch (IllegalArgumentException e) {
                throw e.getMessage().startsWith("there is no experiment") ? new UnknownNameException("experiment", name)
                    : new BadQueryException(e.getMessage());
            }
            final ExperimentReport.Written written = ExperimentReport.write(replay, directory, now);
            final Map<String, String> charts = new HashMap<>();
            for (final Path chart : written.charts()) {
                charts.put(chart.getFileName().toString(),
                    "data:image/png;base64," + Base64.getEncoder().encodeToString(Files.readAllBytes(chart)));
            }
            final Map<String, Object> body = new LinkedHashMap<>();
            body.put("experiment_name", name);
            body.put("from", replay.from().toString());
            body.put("to", replay.to().toString());
            body.put("outcomes", replay.outcomes());
            body.put("html", html(Files.readString(written.markdown()), charts));
            return body;
        } finally {
            oneAtATime.release();
            if (directory != null) {
                delete(directory);
            }
        }
    }

    /** Another report is being made; one at a time keeps a long experiment's read from crowding out the stats. */
    static final class ReportBusyException extends RuntimeException {
        ReportBusyException() {
            super("another experiment report is being made; ask again in a few seconds");
        }
    }

    /** The report's Markdown as HTML: raw HTML in it escaped, its charts inline as data URIs. */
    private String html(final String report, final Map<String, String> charts) {
        return HtmlRenderer.builder().escapeHtml(true).sanitizeUrls(true).extensions(List.of(TablesExtension.create()))
            .attributeProviderFactory(context -> (node, tag, attributes) -> {
                if (node instanceof Image image && charts.containsKey(image.getDestination())) {
                    attributes.put("src", charts.get(image.getDestination()));
                }
            })
            .build().render(markdown.parse(report));
    }

    private static void delete(final Path directory) {
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> {
                try {
                    Files.delete(file);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
