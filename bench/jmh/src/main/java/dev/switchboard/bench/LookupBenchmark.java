package dev.switchboard.bench;

import dev.switchboard.routing.experiment.ExperimentBoard;
import dev.switchboard.routing.health.AllUnhealthy;
import dev.switchboard.routing.health.HealthBoard;
import dev.switchboard.routing.health.OutlierDetector;
import dev.switchboard.routing.strategy.HealthStrategy;
import dev.switchboard.routing.strategy.LeastUsedStrategy;
import dev.switchboard.routing.strategy.RoundRobinStrategy;
import dev.switchboard.routing.strategy.Selection;
import dev.switchboard.routing.strategy.StickyRolloutStrategy;
import dev.switchboard.routing.strategy.SubjectHasher;
import dev.switchboard.routing.strategy.TrafficCounters;
import dev.switchboard.routing.strategy.VersionSelector;
import dev.switchboard.routing.strategy.WeightedStrategy;
import dev.switchboard.routing.table.Endpoints;
import dev.switchboard.routing.table.Provider;
import dev.switchboard.routing.table.ProviderPolicy;
import dev.switchboard.routing.table.RoutingTable;
import dev.switchboard.routing.table.StickyRollout;
import dev.switchboard.routing.table.VersionConfig;
import dev.switchboard.schemas.VersionKey;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * What a request costs the router before it calls an upstream: finding the provider its {@code model} names, then
 * choosing the version, through the provider's sticky rollout or its running experiment, for the request's subject.
 * Every provider has two versions; half of them run a sticky rollout at 10%, the other half an experiment, so the
 * router holds as many rollouts and experiments as it has providers over two. Requests name providers spread over
 * the whole table, with a different subject each. The cost should not grow from 10 providers to 10,000.
 */
public class LookupBenchmark extends RouterBenchmark {

    private static final int REQUESTS = 4096;

    @Param({"10", "100", "1000", "10000"})
    public int providers;

    private RoutingTable table;
    private VersionSelector selector;
    private String[] models;
    private String[] subjects;
    private int next;

    @Setup
    public void build() {
        final ExperimentBoard experiments = new ExperimentBoard(Clock.systemUTC());
        final List<Provider> all = new ArrayList<>(providers);
        for (int i = 0; i < providers; i++) {
            final String name = "provider-" + i;
            final boolean rollout = i % 2 == 0;
            all.add(new Provider("LLM", name, rollout
                ? new ProviderPolicy(StickyRolloutStrategy.NAME,
                    Optional.of(new StickyRollout("v1", "v2", 10, "salt-" + i)), Optional.empty(),
                    ProviderPolicy.DEFAULT_MAX_ATTEMPTS)
                : ProviderPolicy.of(WeightedStrategy.NAME),
                List.of(version(name, "v1", 90, true), version(name, "v2", 10, false))));
            if (!rollout) {
                experiments.run(new ExperimentBoard.Running("trial-" + i, "LLM/" + name,
                    List.of(new ExperimentBoard.Arm("model_a", "v1", 0.5), new ExperimentBoard.Arm("model_b", "v2", 0.5)),
                    "salt-" + i, null));
            }
        }
        table = new RoutingTable(all);
        selector = new VersionSelector(List.of(new WeightedStrategy(), new HealthStrategy(), new RoundRobinStrategy(),
            new LeastUsedStrategy(), new StickyRolloutStrategy()), new HealthBoard(),
            new OutlierDetector(OutlierDetector.Settings.defaults(), Clock.systemUTC()), new TrafficCounters(),
            new SubjectHasher(new byte[32]), new SplittableRandom(7), AllUnhealthy.DEFAULT_VERSION, experiments,
            Endpoints.none());
        final SplittableRandom random = new SplittableRandom(42);
        models = new String[REQUESTS];
        subjects = new String[REQUESTS];
        for (int i = 0; i < REQUESTS; i++) {
            models[i] = "LLM/provider-" + random.nextInt(providers);
            subjects[i] = "user-" + random.nextInt(1_000_000);
        }
    }

    @Benchmark
    public Selection findAndSelect() {
        final int request = next++ & (REQUESTS - 1);
        if (!(table.find(models[request]) instanceof RoutingTable.Lookup.Found found)) {
            throw new IllegalStateException("no provider " + models[request]);
        }
        return selector.select(found.provider(), Optional.of(subjects[request]));
    }

    private static VersionConfig version(final String provider, final String version, final int weight,
                                         final boolean isDefault) {
        return VersionConfig.of(new VersionKey("LLM", provider, version), "openai", "model-" + version,
            URI.create("http://127.0.0.1:1/" + provider), weight, true, isDefault, Map.of());
    }
}
