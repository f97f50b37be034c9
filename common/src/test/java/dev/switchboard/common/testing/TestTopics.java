package dev.switchboard.common.testing;

import dev.switchboard.schemas.TopicSpec;
import dev.switchboard.schemas.Topics;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/** Creates every Switchboard topic on a test broker, as stats-streams and the launcher do on a real one. */
public final class TestTopics {

    private TestTopics() {
    }

    public static void createAll(final String brokers) throws ExecutionException, InterruptedException {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers))) {
            admin.createTopics(Topics.singleBroker().stream().map(TopicSpec::toNewTopic).toList()).all().get();
        }
    }
}
