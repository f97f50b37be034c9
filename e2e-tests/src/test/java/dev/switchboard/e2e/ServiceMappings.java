package dev.switchboard.e2e;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.bind.annotation.RequestMethod;

/**
 * Every endpoint a running service maps, read from its own request mappings, so the tests that go over all of them
 * (auth, fuzzing) cannot miss one added later. Each is a method and a path pattern.
 */
final class ServiceMappings {

    private ServiceMappings() {
    }

    /** Method and pattern of every Spring MVC mapping (stats-streams, the prober). */
    static List<String[]> servlet(final ConfigurableApplicationContext service) {
        final List<String[]> found = new ArrayList<>();
        service.getBeansOfType(org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping.class)
            .values().forEach(mapping -> mapping.getHandlerMethods().keySet().forEach(info ->
                info.getPatternValues().forEach(pattern -> methods(info.getMethodsCondition().getMethods())
                    .forEach(method -> found.add(new String[] {method, pattern})))));
        return found;
    }

    /** Method and pattern of every WebFlux mapping (the router). */
    static List<String[]> reactive(final ConfigurableApplicationContext service) {
        final List<String[]> found = new ArrayList<>();
        service.getBeansOfType(
                org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping.class)
            .values().forEach(mapping -> mapping.getHandlerMethods().keySet().forEach(info ->
                info.getPatternsCondition().getPatterns().forEach(pattern ->
                    methods(info.getMethodsCondition().getMethods())
                        .forEach(method -> found.add(new String[] {method, pattern.getPatternString()})))));
        return found;
    }

    private static List<String> methods(final Set<RequestMethod> declared) {
        return (declared.isEmpty() ? EnumSet.of(RequestMethod.GET, RequestMethod.POST, RequestMethod.PUT,
            RequestMethod.DELETE) : declared).stream().map(RequestMethod::name).toList();
    }
}
