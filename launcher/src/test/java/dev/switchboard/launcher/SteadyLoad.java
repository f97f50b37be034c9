package dev.switchboard.launcher;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.apache.commons.math3.stat.descriptive.DescriptiveStatistics;

/**
 * Open-loop client load for the fault tests: each stream sends chat completions to one router at a fixed rate,
 * whatever the answers take (a slow answer does not hold back the next request, as it would with a fixed number of
 * clients), and records every call: when it was sent, how long it took, its status and the version that served it.
 */
final class SteadyLoad implements AutoCloseable {

    /** One client call. {@code status} 0 means it got no HTTP answer at all ({@code error} says why). */
    record Call(String stream, Instant sentAt, long latencyMicros, int status, String version, String error) {

        boolean served() {
            return status == 200;
        }
    }

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, Thread> pacers = new ConcurrentHashMap<>();
    private final Map<String, ExecutorService> inFlight = new ConcurrentHashMap<>();
    private final Map<String, Queue<Call>> recorded = new ConcurrentHashMap<>();
    private final String clientKey;

    SteadyLoad(final String clientKey) {
        this.clientKey = clientKey;
    }

    /** Starts sending {@code model} requests to {@code router} at {@code perSecond}, recorded as {@code stream}. */
    void start(final String stream, final URI router, final String model, final int perSecond) {
        final Queue<Call> log = recorded.computeIfAbsent(stream, s -> new ConcurrentLinkedQueue<>());
        final long period = TimeUnit.SECONDS.toNanos(1) / perSecond;
        final ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor();
        inFlight.put(stream, calls);
        pacers.put(stream, Thread.ofPlatform().daemon().name("load-" + stream).start(() -> {
            long next = System.nanoTime();
            while (!Thread.currentThread().isInterrupted()) {
                calls.execute(() -> log.add(call(stream, router, model)));
                next += period;
                LockSupport.parkNanos(next - System.nanoTime()); // the pace of an open-loop load
            }
        }));
    }

    /** Stops a stream's sending, and returns once its calls in flight have finished and are recorded. */
    void stop(final String stream) throws InterruptedException {
        final Thread pacer = pacers.remove(stream);
        if (pacer != null) {
            pacer.interrupt();
            pacer.join();
        }
        final ExecutorService calls = inFlight.remove(stream);
        if (calls != null) {
            calls.shutdown();
            calls.awaitTermination(1, TimeUnit.MINUTES);
        }
    }

    /**
     * {@code total} calls from {@code clients} clients each sending its next call when its last is answered: a
     * cold router's warm-up, which an open-loop load would swamp with a backlog the JIT has not caught up with yet.
     */
    void closedLoop(final String stream, final URI router, final String model, final int clients, final int total)
        throws InterruptedException {
        try (ExecutorService each = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int client = 0; client < clients; client++) {
                each.execute(() -> {
                    for (int i = 0; i < total / clients; i++) {
                        once(stream, router, model);
                    }
                });
            }
        }
    }

    /** One call outside any stream's pace, recorded with the stream's calls. */
    Call once(final String stream, final URI router, final String model) {
        final Call call = call(stream, router, model);
        recorded.computeIfAbsent(stream, s -> new ConcurrentLinkedQueue<>()).add(call);
        return call;
    }

    List<Call> calls(final String stream) {
        return List.copyOf(recorded.getOrDefault(stream, new ConcurrentLinkedQueue<>()));
    }

    long served(final String stream) {
        return calls(stream).stream().filter(Call::served).count();
    }

    /** Latency quantile in milliseconds of the served calls sent while {@code when} held. */
    static double quantileMillis(final List<Call> calls, final Predicate<Instant> when, final double quantile) {
        final DescriptiveStatistics latencies = new DescriptiveStatistics();
        calls.stream().filter(Call::served).filter(call -> when.test(call.sentAt()))
            .forEach(call -> latencies.addValue(call.latencyMicros() / 1000.0));
        return latencies.getPercentile(quantile * 100);
    }

    private Call call(final String stream, final URI router, final String model) {
        final Instant sentAt = Instant.now();
        final long start = System.nanoTime();
        try {
            final HttpResponse<String> answer = http.send(HttpRequest.newBuilder(router.resolve("/v1/chat/completions"))
                .timeout(Duration.ofSeconds(15))
                .header("Authorization", "Bearer " + clientKey).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model
                    + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
            return new Call(stream, sentAt, micros(start), answer.statusCode(),
                answer.headers().firstValue("X-Switchboard-Version").orElse(""),
                answer.statusCode() == 200 ? "" : answer.body());
        } catch (IOException e) {
            return new Call(stream, sentAt, micros(start), 0, "", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Call(stream, sentAt, micros(start), 0, "", "interrupted");
        }
    }

    private static long micros(final long start) {
        return TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start);
    }

    @Override
    public void close() throws InterruptedException {
        for (final String stream : new ArrayList<>(inFlight.keySet())) {
            stop(stream);
        }
    }
}
