package dev.switchboard.launcher;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * Just the local KRaft broker with Switchboard's topics, for benchmarks and experiments that start the
 * services themselves. Same settings as {@link LocalSwitchboard}: {@code SWITCHBOARD_DATA_DIR}, {@code KAFKA_PORT},
 * {@code KAFKA_CONTROLLER_PORT}. Prints {@code Kafka is ready at host:port} and runs until stopped.
 */
public final class LocalBroker {

    private LocalBroker() {
    }

    public static void main(final String[] args) throws Exception {
        if (System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", "classpath:log4j2-launcher.properties");
        }
        final Path home = Path.of(System.getProperty("switchboard.home", "")).toAbsolutePath().normalize();
        final LauncherSettings settings = LauncherSettings.fromEnvironment(System.getenv(), home);
        final LocalKafka kafka = LocalKafka.of(settings);
        final ChildProcess broker = kafka.start();
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.stop(30);
            stopped.countDown();
        }, "broker-shutdown"));
        kafka.awaitReadyAndCreateTopics(broker, Duration.ofMinutes(3));
        System.out.println("Kafka is ready at " + settings.bootstrapServers() + " (data in " + settings.dataDir() + ")");
        System.out.flush();
        stopped.await();
    }
}
