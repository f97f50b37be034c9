package dev.switchboard.common.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

class BearerAuthFilterTest {

    private final BearerAuthFilter filter = new BearerAuthFilter(
        AdminCredentials.of("s3cret", "watcher:viewer:w4tch"), "admin token");

    @Test
    void shouldLetARequestWithTheTokenThrough() throws Exception {
        final MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/stats");
        request.addHeader("Authorization", "Bearer s3cret");
        final MockFilterChain chain = new MockFilterChain();

        filter.doFilter(request, new MockHttpServletResponse(), chain);

        assertThat(chain.getRequest()).isSameAs(request);
    }

    @Test
    void shouldRefuseAWrongTokenWithAProblemDetailThatDoesNotEchoIt() throws Exception {
        final MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/stats");
        request.addHeader("Authorization", "Bearer guess");
        final MockHttpServletResponse response = new MockHttpServletResponse();
        final MockFilterChain chain = new MockFilterChain();

        filter.doFilter(request, response, chain);

        assertThat(chain.getRequest()).isNull();
        assertThat(response.getStatus()).isEqualTo(401);
        assertThat(response.getHeader("WWW-Authenticate")).isEqualTo("Bearer");
        assertThat(response.getContentType()).startsWith("application/problem+json");
        assertThat(response.getContentAsString()).contains("\"status\":401")
            .contains("Invalid admin token in the Authorization header").doesNotContain("guess");
    }

    @Test
    void shouldLetAViewerReadButNotChange() throws Exception {
        final MockHttpServletRequest read = new MockHttpServletRequest("GET", "/api/stats");
        read.addHeader("Authorization", "Bearer w4tch");
        final MockFilterChain readChain = new MockFilterChain();
        filter.doFilter(read, new MockHttpServletResponse(), readChain);
        assertThat(readChain.getRequest()).isSameAs(read);

        final MockHttpServletRequest change = new MockHttpServletRequest("POST", "/api/health-check/LLM/x/v1/check");
        change.addHeader("Authorization", "Bearer w4tch");
        final MockHttpServletResponse response = new MockHttpServletResponse();
        final MockFilterChain chain = new MockFilterChain();
        filter.doFilter(change, response, chain);

        assertThat(chain.getRequest()).isNull();
        assertThat(response.getStatus()).isEqualTo(403);
        assertThat(response.getContentAsString()).contains("\"status\":403")
            .contains("Operator 'watcher' has the role viewer").contains("needs operator");
    }
}
