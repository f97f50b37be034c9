package dev.switchboard.e2e;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Clients calling the router until closed, each call as a new user: a few back to back on virtual threads (as much
 * traffic as the machine gives), or at a steady rate, which leaves the machine to whatever else the test runs.
 */
final class NewUsers implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(NewUsers.class);

    /** Calls at a steady rate in flight at most: a tick that finds them all busy makes none. */
    private static final int MAX_IN_FLIGHT = 32;

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();
    private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
    private ScheduledExecutorService pacer;
    private final HttpClient http;
    private final Supplier<HttpRequest> call;

    private NewUsers(final HttpClient http, final Supplier<HttpRequest> call) {
        this.http = http;
        this.call = call;
    }

    /** @param call the next call, made anew each time (a new user, the router where it is now) */
    static NewUsers calling(final HttpClient http, final int clients, final Supplier<HttpRequest> call) {
        final NewUsers users = new NewUsers(http, call);
        for (int i = 0; i < clients; i++) {
            users.threads.add(Thread.ofVirtual().start(users::loop));
        }
        return users;
    }

    /** @param perSecond calls a second, each sent without waiting for the one before */
    static NewUsers atRate(final HttpClient http, final int perSecond, final Supplier<HttpRequest> call) {
        final NewUsers users = new NewUsers(http, call);
        users.pacer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().factory());
        users.pacer.scheduleAtFixedRate(users::callOnce, 0, TimeUnit.SECONDS.toNanos(1) / perSecond,
            TimeUnit.NANOSECONDS);
        return users;
    }

    private void callOnce() {
        if (!running.get() || !inFlight.tryAcquire()) {
            return;
        }
        http.sendAsync(call.get(), HttpResponse.BodyHandlers.discarding()).whenComplete((answer, failure) -> {
            inFlight.release();
            if (failure != null && running.get()) {
                log.debug("A client call failed: {}", failure.toString());
            }
        });
    }

    private void loop() {
        while (running.get()) {
            try {
                http.send(call.get(), HttpResponse.BodyHandlers.discarding());
            } catch (Exception e) {
                if (running.get()) {
                    log.debug("A client call failed: {}", e.toString());
                }
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        for (final Thread thread : threads) {
            thread.join();
        }
        if (pacer != null) {
            pacer.shutdown();
            pacer.awaitTermination(10, TimeUnit.SECONDS);
            inFlight.tryAcquire(MAX_IN_FLIGHT, 30, TimeUnit.SECONDS); // the calls still on their way
        }
    }
}
