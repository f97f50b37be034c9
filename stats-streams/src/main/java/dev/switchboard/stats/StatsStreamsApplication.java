package dev.switchboard.stats;

import dev.switchboard.stats.replay.ReplayCommand;
import java.io.IOException;
import java.util.Arrays;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The stats service: a Kafka Streams app whose RocksDB stores are served over REST. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class StatsStreamsApplication {

    /** Its configuration file is {@code stats-streams.yml}, so several services can share a classpath in tests. */
    public static final String CONFIG_NAME = "stats-streams";

    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(StatsStreamsApplication.class)
            .properties("spring.config.name=" + CONFIG_NAME);
    }

    /** Runs the service; {@code replay ...} instead recomputes stats from the outcome topic (see ReplayCommand). */
    public static void main(final String[] args) throws IOException {
        if (args.length > 0 && args[0].equals("replay")) {
            System.exit(ReplayCommand.run(Arrays.copyOfRange(args, 1, args.length)));
        }
        builder().run(args);
    }
}
