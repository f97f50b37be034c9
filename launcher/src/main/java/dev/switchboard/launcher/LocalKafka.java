package dev.switchboard.launcher;

import dev.switchboard.schemas.TopicSpec;
import dev.switchboard.schemas.Topics;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;

/**
 * A single-node KRaft broker (combined broker and controller) run from the Kafka jars on Maven Central, as a
 * child process. Its log directory lives in the data directory, formatted once, so a restart keeps the events.
 */
final class LocalKafka {

    private final LauncherSettings settings;
    private final String java;
    private final String classpath;

    private LocalKafka(final LauncherSettings settings, final String java, final String classpath) {
        this.settings = settings;
        this.java = java;
        this.classpath = classpath;
    }

    /** The broker runs on this JVM's own java, from the Kafka jars the build copied to launcher/target/lib. */
    static LocalKafka of(final LauncherSettings settings) {
        return new LocalKafka(settings, javaCommand(),
            settings.home().resolve("launcher/target/lib") + File.separator + "*");
    }

    static String javaCommand() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    ChildProcess start() throws IOException, InterruptedException {
        final Path kafkaDir = settings.dataDir().resolve("kafka");
        final Path logDir = kafkaDir.resolve("data");
        Files.createDirectories(logDir);
        final Path config = kafkaDir.resolve("server.properties");
        Files.writeString(config, serverProperties(logDir), StandardCharsets.UTF_8);
        final Path log4j = kafkaDir.resolve("log4j2.properties");
        Files.writeString(log4j, LOG4J, StandardCharsets.UTF_8);
        if (!Files.exists(logDir.resolve("meta.properties"))) {
            final String clusterId = Uuid.randomUuid().toString();
            ChildProcess.run("kafka-storage format", List.of(java, "-cp", classpath,
                "-Dlog4j2.configurationFile=" + log4j, "kafka.tools.StorageTool", "format",
                "-t", clusterId, "-c", config.toString()), settings.logs().resolve("kafka-format.log"));
        }
        return ChildProcess.start("kafka", List.of(java, "-Xmx768m", "-cp", classpath,
            "-Dlog4j2.configurationFile=" + log4j, "kafka.Kafka", config.toString()), Map.of(),
            settings.logs().resolve("kafka.log"));
    }

    /** Waits for the broker to answer, then creates every Switchboard topic that is missing. */
    void awaitReadyAndCreateTopics(final ChildProcess broker, final Duration timeout)
        throws InterruptedException, ExecutionException {
        final Instant deadline = Instant.now().plus(timeout);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000))) {
            Set<String> existing = null;
            while (existing == null) {
                if (!broker.alive()) {
                    throw new IllegalStateException("The Kafka broker exited:\n" + broker.tail(30));
                }
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("The Kafka broker did not answer within " + timeout
                        + "; see " + broker.log());
                }
                try {
                    existing = admin.listTopics().names().get(5, TimeUnit.SECONDS);
                } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                    Thread.sleep(500); // the broker is still starting
                }
            }
            final List<NewTopic> missing = new ArrayList<>();
            for (final TopicSpec spec : Topics.singleBroker()) {
                if (!existing.contains(spec.name())) {
                    missing.add(spec.toNewTopic());
                }
            }
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get();
            }
        }
    }

    private String serverProperties(final Path logDir) {
        return """
            # Written by the Switchboard launcher at every start; edit the launcher, not this file.
            process.roles=broker,controller
            node.id=1
            controller.quorum.voters=1@127.0.0.1:%2$d
            listeners=PLAINTEXT://127.0.0.1:%1$d,CONTROLLER://127.0.0.1:%2$d
            advertised.listeners=PLAINTEXT://127.0.0.1:%1$d
            controller.listener.names=CONTROLLER
            listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
            inter.broker.listener.name=PLAINTEXT
            log.dirs=%3$s
            num.partitions=1
            auto.create.topics.enable=false
            offsets.topic.replication.factor=1
            # One node on one machine: a few partitions for Kafka's own topics rather than 50 each, which a loaded
            # machine takes seconds to create when the first transaction or group arrives.
            offsets.topic.num.partitions=4
            transaction.state.log.num.partitions=4
            transaction.state.log.replication.factor=1
            transaction.state.log.min.isr=1
            share.coordinator.state.topic.replication.factor=1
            share.coordinator.state.topic.min.isr=1
            group.initial.rebalance.delay.ms=0
            """.formatted(settings.kafkaPort(), settings.controllerPort(), logDir.toString().replace("\\", "/"));
    }

    private static final String LOG4J = """
        status = warn
        appender.console.type = Console
        appender.console.name = STDOUT
        appender.console.layout.type = PatternLayout
        appender.console.layout.pattern = [%d] %p %m (%c)%n
        rootLogger.level = INFO
        rootLogger.appenderRef.stdout.ref = STDOUT
        logger.state.name = state.change.logger
        logger.state.level = WARN
        """;
}
