package dev.switchboard.routing.admin;

import dev.switchboard.routing.RoutingProperties;
import dev.switchboard.routing.web.Problems;
import java.net.URI;
import java.time.Duration;
import io.swagger.v3.oas.annotations.Hidden;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import tools.jackson.databind.ObjectMapper;

/**
 * The APIs other services serve, at the router's port too, as the seeds show them on one host: seed 001's health
 * API (the health prober does the work), and the stats and experiment results (stats-streams). Each call is relayed as it came
 * (method, path, query, body, the caller's own bearer token), and the answer is relayed back. The admin token is
 * checked here too, before anything is relayed.
 */
@Hidden // the relayed paths are in the prober's and stats-streams' own descriptions
@RestController
class ApiRelay {

    private static final Logger log = LoggerFactory.getLogger(ApiRelay.class);

    /**
     * A forced check waits for its probe, which may take the prober's whole probe timeout; an experiment's report
     * reads its outcomes from the topics.
     */
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final WebClient client;
    private final URI proberUrl;
    private final URI statsUrl;
    private final ObjectMapper json;

    /** @param resources the router's own event loops: the relay runs on them, like everything else here */
    ApiRelay(final ReactorResourceFactory resources, final RoutingProperties routing, final ObjectMapper json) {
        this.client = WebClient.builder()
            .clientConnector(new ReactorClientHttpConnector(resources, client -> client.compress(false)))
            .build();
        this.proberUrl = routing.proberUrl();
        this.statsUrl = routing.statsUrl();
        this.json = json;
    }

    @RequestMapping({"/api/providers/health", "/api/providers/health/**", "/api/health-check/**"})
    Mono<ResponseEntity<byte[]>> health(final ServerHttpRequest request,
                                        @RequestBody(required = false) final Mono<byte[]> body) {
        return relay(request, body, proberUrl, "The health prober", "health checking goes on without this answer");
    }

    /**
     * stats-streams' stats API (daily, per-minute and 24-hour totals, a provider's versions side by side, shadow
     * comparisons), so a console or dashboard needs only the router's address. Its instances' internal share path is
     * theirs alone.
     */
    @GetMapping("/api/stats/**")
    Mono<ResponseEntity<byte[]>> stats(final ServerHttpRequest request) {
        if (request.getPath().pathWithinApplication().value().startsWith("/api/stats/internal/")) {
            return Mono.just(ResponseEntity.status(HttpStatus.NOT_FOUND).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(json.writeValueAsBytes(Problems.of(HttpStatus.NOT_FOUND,
                    "stats-streams' internal paths are not served here"))));
        }
        return relay(request, Mono.empty(), statsUrl, "stats-streams", "routing goes on; ask again shortly");
    }

    @GetMapping({"/api/experiments/{name}/results", "/api/experiments/{name}/report",
        "/api/experiments/{name}/decisions", "/api/experiments/{name}/decisions/replay"})
    Mono<ResponseEntity<byte[]>> experimentResults(final ServerHttpRequest request) {
        return relay(request, Mono.empty(), statsUrl, "stats-streams", "the experiment goes on; ask again shortly");
    }

    private Mono<ResponseEntity<byte[]>> relay(final ServerHttpRequest request, final Mono<byte[]> body,
                                               final URI service, final String who, final String meanwhile) {
        final String query = request.getURI().getRawQuery();
        final URI target = service.resolve(request.getURI().getRawPath() + (query == null ? "" : "?" + query));
        return body.defaultIfEmpty(new byte[0])
            .flatMap(bytes -> client.method(request.getMethod()).uri(target)
                .headers(headers -> copy(request.getHeaders(), headers))
                .bodyValue(bytes)
                .exchangeToMono(answer -> answer.bodyToMono(byte[].class).defaultIfEmpty(new byte[0])
                    .map(content -> {
                        final ResponseEntity.BodyBuilder relayed = ResponseEntity.status(answer.statusCode());
                        answer.headers().contentType().ifPresent(relayed::contentType);
                        answer.headers().header(HttpHeaders.RETRY_AFTER).stream().findFirst()
                            .ifPresent(retry -> relayed.header(HttpHeaders.RETRY_AFTER, retry));
                        return relayed.body(content);
                    })))
            .timeout(TIMEOUT)
            .onErrorResume(e -> Mono.just(unavailable(service, who, meanwhile, e)));
    }

    private static void copy(final HttpHeaders from, final HttpHeaders to) {
        for (final String name : new String[] {HttpHeaders.AUTHORIZATION, HttpHeaders.CONTENT_TYPE, HttpHeaders.ACCEPT}) {
            final String value = from.getFirst(name);
            if (value != null) {
                to.set(name, value);
            }
        }
    }

    private ResponseEntity<byte[]> unavailable(final URI service, final String who, final String meanwhile,
                                               final Throwable error) {
        log.warn("{} at {} did not answer: {}", who, service, error.toString());
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "5")
            .contentType(MediaType.APPLICATION_PROBLEM_JSON).body(json.writeValueAsBytes(Problems.of(
                HttpStatus.SERVICE_UNAVAILABLE, who + " at " + service + " did not answer ("
                    + error.getClass().getSimpleName() + "); " + meanwhile)));
    }
}
