package dev.switchboard.routing;

import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;

/** A router on the tests' embedded broker, ready, and called as its admin. */
final class TestRouter implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final ConfigurableApplicationContext context;
    private final String adminToken;

    private TestRouter(final ConfigurableApplicationContext context, final String adminToken) {
        this.context = context;
        this.adminToken = adminToken;
    }

    /** Starts a router named {@code instance} on a free port and waits until it is ready. */
    static TestRouter start(final String instance, final String adminToken, final String... settings) {
        final List<String> args = new ArrayList<>(List.of("--server.port=0",
            "--spring.kafka.bootstrap-servers=" + System.getProperty("spring.embedded.kafka.brokers"),
            "--switchboard.routing.instance-id=" + instance, "--switchboard.security.admin-token=" + adminToken,
            "--switchboard.security.client-keys=" + instance + "-key"));
        args.addAll(List.of(settings));
        final TestRouter router = new TestRouter(RoutingServiceApplication.builder().run(args.toArray(String[]::new)),
            adminToken);
        await().atMost(Duration.ofSeconds(30)).until(() -> router.call("GET", "/actuator/health/readiness", null)
            .statusCode() == 200);
        return router;
    }

    /** Calls the router with the admin token; {@code body} null for none. */
    HttpResponse<String> call(final String method, final String path, final String body) throws Exception {
        return callAs(adminToken, method, path, body);
    }

    /** Calls the router with {@code token} as the bearer token, or with none when it is null. */
    HttpResponse<String> callAs(final String token, final String method, final String path, final String body)
        throws Exception {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url(path)))
            .header("Content-Type", "application/json")
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    String url(final String path) {
        return "http://127.0.0.1:" + ((WebServerApplicationContext) context).getWebServer().getPort() + path;
    }

    ConfigurableApplicationContext context() {
        return context;
    }

    /** One operation the router maps: a method and a path pattern. */
    record Endpoint(String method, String pattern) {
        @Override
        public String toString() {
            return method + " " + pattern;
        }
    }

    /**
     * Every operation of the router's WebFlux side, from its own request mappings, so a test covers one added later
     * without anyone listing it; a mapping that names no method stands for GET, POST, PUT and DELETE.
     */
    List<Endpoint> endpoints() {
        final List<Endpoint> found = new ArrayList<>();
        for (final RequestMappingHandlerMapping mapping : context.getBeansOfType(RequestMappingHandlerMapping.class)
                .values()) {
            mapping.getHandlerMethods().keySet().forEach(info -> {
                final Set<RequestMethod> declared = info.getMethodsCondition().getMethods();
                final Set<RequestMethod> methods = declared.isEmpty()
                    ? EnumSet.of(RequestMethod.GET, RequestMethod.POST, RequestMethod.PUT, RequestMethod.DELETE)
                    : declared;
                info.getPatternsCondition().getPatterns().forEach(pattern -> methods.forEach(method ->
                    found.add(new Endpoint(method.name(), pattern.getPatternString()))));
            });
        }
        return found;
    }

    /**
     * {@code pattern} with every path variable given {@code value} (an alternation's first choice where the variable
     * has one, as in {@code {action:activate|deactivate}}), and a trailing {@code /**} too.
     */
    static String path(final String pattern, final String value) {
        final String filled = Matcher.quoteReplacement(value);
        return pattern.replaceAll("\\{[^}:]+:([^|}]+)[^}]*}", "$1").replaceAll("\\{[^}]+}", filled)
            .replace("/**", "/" + value);
    }

    @Override
    public void close() {
        context.close();
    }
}
