package dev.switchboard.routing.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The console's one page names only scripts and styles this router serves: its own assets and its WebJars. */
class ConsolePageTest {

    private static final Pattern REFERENCE = Pattern.compile("(?:src|href)=\"(/[^\"]+)\"");

    @Test
    void shouldReferenceOnlyResourcesOnTheClasspath() throws IOException {
        final List<String> missing = new ArrayList<>();
        final List<String> found = new ArrayList<>();
        final Matcher reference = REFERENCE.matcher(page());
        while (reference.find()) {
            final String path = reference.group(1);
            if (!path.startsWith("/webjars/") && !path.startsWith("/console/assets/")) {
                continue; // a link to another view
            }
            found.add(path);
            final String resource = path.startsWith("/webjars/") ? "META-INF/resources" + path : "static" + path;
            if (getClass().getClassLoader().getResource(resource) == null) {
                missing.add(path + " (classpath:" + resource + ")");
            }
        }
        assertThat(found).as("the page's scripts and styles").hasSizeGreaterThanOrEqualTo(5);
        assertThat(missing).as("a WebJar version in index.html that the pom does not bring").isEmpty();
    }

    @Test
    void shouldLoadNothingFromAnotherHost() throws IOException {
        assertThat(page()).doesNotContain("src=\"http", "href=\"http", "src=\"//", "href=\"//");
    }

    private String page() throws IOException {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("static/console/index.html")) {
            assertThat(in).as("static/console/index.html").isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
