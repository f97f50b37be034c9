package dev.switchboard.e2e;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Clients calling the router on a few virtual threads until closed, each call as a new user. */
final class NewUsers implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(NewUsers.class);

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();
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
    }
}
