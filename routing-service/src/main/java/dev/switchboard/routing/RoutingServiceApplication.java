package dev.switchboard.routing;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The routing service: OpenAI-compatible front door at {@code /v1}, admin API at {@code /api}. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class RoutingServiceApplication {

    /** Its configuration file is {@code routing-service.yml}, so several services can share a classpath in tests. */
    public static final String CONFIG_NAME = "routing-service";

    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(RoutingServiceApplication.class)
            .properties("spring.config.name=" + CONFIG_NAME)
            // Reactive whatever else shares the classpath (the end-to-end tests run servlet services beside it).
            .web(WebApplicationType.REACTIVE);
    }

    public static void main(final String[] args) {
        builder().run(args);
    }
}
