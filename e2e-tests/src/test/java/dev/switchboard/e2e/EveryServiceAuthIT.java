package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Every non-public endpoint of every service refuses a call without the right token, and a viewer's token may read
 * but not change: stats-streams, the health prober and the router, each found from the service's own request
 * mappings, so an endpoint added later is checked without anyone listing it (issue 20's auth item). Outside
 * {@code /api} there are only what is public on purpose: the API description, the router's console page, and the
 * error page.
 */
class EveryServiceAuthIT {

    private static final String ADMIN = "auth-admin-" + UUID.randomUUID();
    private static final String VIEWER = "auth-viewer-" + UUID.randomUUID();
    private static final String CLIENT = "auth-client-" + UUID.randomUUID();
    private static final String OPERATORS = "watcher:viewer:" + VIEWER;
    /** A client key also posts a score for a request it made: the one thing it may do at {@code /api}. */
    private static final Pattern CLIENT_CALLS = Pattern.compile("/api/(experiments|rollouts)/[^/]+/feedback");
    private static final Pattern PUBLIC = Pattern.compile("/v3/api-docs.*|/console.*|/error");

    private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static ConfigurableApplicationContext stats;
    private static ConfigurableApplicationContext prober;
    private static ConfigurableApplicationContext router;

    @BeforeAll
    static void startEveryService() throws Exception {
        stats = InJvmServices.stats("auth", "--switchboard.stats.admin-token=" + ADMIN,
            "--switchboard.stats.admin-tokens=" + OPERATORS);
        prober = InJvmServices.prober(stats, "--switchboard.prober.admin-token=" + ADMIN,
            "--switchboard.prober.admin-tokens=" + OPERATORS);
        router = InJvmServices.router(stats, prober, "--switchboard.security.client-keys=" + CLIENT,
            "--switchboard.security.admin-token=" + ADMIN, "--switchboard.security.admin-tokens=" + OPERATORS);
        InJvmServices.awaitReady(http, stats, prober, router);
    }

    @AfterAll
    static void stopEveryService() {
        for (final ConfigurableApplicationContext service : new ConfigurableApplicationContext[] {router, prober,
            stats}) {
            if (service != null && service.isActive()) {
                service.close();
            }
        }
    }

    @Test
    void shouldRefuseEveryAdminEndpointOfStatsStreamsWithoutTheTokenAndLetAViewerOnlyRead() throws Exception {
        checkEvery(stats, ServiceMappings.servlet(stats));
    }

    @Test
    void shouldRefuseEveryAdminEndpointOfTheProberWithoutTheTokenAndLetAViewerOnlyRead() throws Exception {
        checkEvery(prober, ServiceMappings.servlet(prober));
    }

    @Test
    void shouldRefuseEveryAdminEndpointOfTheRouterWithoutTheTokenAndLetAViewerOnlyRead() throws Exception {
        checkEvery(router, ServiceMappings.reactive(router));
    }

    private static void checkEvery(final ConfigurableApplicationContext service, final List<String[]> mappings)
        throws Exception {
        final Set<String> checked = new TreeSet<>();
        final Set<String> outsideApi = new TreeSet<>();
        for (final String[] mapping : mappings) {
            final String method = mapping[0];
            final String pattern = mapping[1];
            if (!pattern.startsWith("/api/")) {
                outsideApi.add(pattern);
                continue;
            }
            final String path = pattern.replaceAll("\\{[^}:]+:([^|}]+)[^}]*}", "$1").replaceAll("\\{[^}]+}", "x")
                .replace("/**", "/x");
            final String call = method + " " + pattern;
            final String url = LocalCalls.base(service) + path;
            assertThat(LocalCalls.send(http, method, url, "{}", null).statusCode()).as("%s without a token", call)
                .isEqualTo(401);
            assertThat(LocalCalls.send(http, method, url, "{}", "wrong-" + ADMIN).statusCode())
                .as("%s with a wrong token", call).isEqualTo(401);
            if (!CLIENT_CALLS.matcher(pattern).matches()) {
                assertThat(LocalCalls.send(http, method, url, "{}", CLIENT).statusCode())
                    .as("%s with a client key", call).isEqualTo(401);
            }
            final HttpResponse<String> asViewer = LocalCalls.send(http, method, url, "{}", VIEWER);
            if (method.equals("GET")) {
                assertThat(asViewer.statusCode()).as("%s by a viewer: %s", call, asViewer.body()).isNotIn(401, 403);
            } else {
                assertThat(asViewer.statusCode()).as("%s by a viewer", call).isEqualTo(403);
                assertThat(asViewer.body()).as(call).contains("has the role viewer");
            }
            checked.add(call);
        }
        assertThat(checked).as("admin endpoints found").isNotEmpty();
        assertThat(outsideApi).as("public paths").allMatch(path -> PUBLIC.matcher(path).matches());
        System.out.println("Auth checked on " + checked.size() + " endpoint methods of "
            + service.getEnvironment().getProperty("spring.application.name") + ": " + checked
            + "; public: " + outsideApi);
    }
}
