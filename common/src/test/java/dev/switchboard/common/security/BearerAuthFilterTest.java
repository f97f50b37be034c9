package dev.switchboard.common.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

class BearerAuthFilterTest {

    private final BearerAuthFilter filter = new BearerAuthFilter(BearerTokens.of(List.of("s3cret"), "test"), "admin token");

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
}
