package dev.switchboard.prober.web;

import dev.switchboard.common.web.BindingErrors;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Seed 001's health API reads its request bodies strictly ({@link BindingErrors#strict}).
 */
@Configuration(proxyBeanMethods = false)
class HealthApiConfiguration {

    @Bean
    JsonMapperBuilderCustomizer strictHealthCommands() {
        return BindingErrors::strict;
    }
}
