package dev.switchboard.prober;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The health prober: probes every configured provider version and publishes health events. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class HealthProberApplication {

    /** Its configuration file is {@code health-prober.yml}, so several services can share a classpath in tests. */
    public static final String CONFIG_NAME = "health-prober";

    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(HealthProberApplication.class)
            .properties("spring.config.name=" + CONFIG_NAME);
    }

    public static void main(final String[] args) {
        builder().run(args);
    }
}
