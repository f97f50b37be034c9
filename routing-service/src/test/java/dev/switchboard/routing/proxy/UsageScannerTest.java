package dev.switchboard.routing.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class UsageScannerTest {

    private final UsageScanner scanner = new UsageScanner(JsonMapper.builder().build());

    @Test
    void readsTheUsageChunkOfAStreamEvenWhenSplitAcrossReads() {
        final byte[] stream = ("data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\n"
            + "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":3,\"total_tokens\":10}}\n\n"
            + "data: [DONE]\n\n").getBytes(StandardCharsets.UTF_8);

        for (int i = 0; i < stream.length; i += 5) {
            scanner.acceptStream(Unpooled.wrappedBuffer(stream, i, Math.min(5, stream.length - i)));
        }

        assertThat(scanner.promptTokens()).isEqualTo(7);
        assertThat(scanner.completionTokens()).isEqualTo(3);
    }

    @Test
    void readsTheTopLevelUsageOfAPlainAnswerAndNotAFieldOfTheSameNameInside() {
        final boolean whole = scanner.acceptBody(("{\"choices\":[{\"message\":{\"content\":\"x\",\"usage\":{\"prompt_tokens\":99}}}],"
            + "\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":4,\"total_tokens\":13}}").getBytes(StandardCharsets.UTF_8));

        assertThat(whole).isTrue();
        assertThat(scanner.promptTokens()).isEqualTo(9);
        assertThat(scanner.completionTokens()).isEqualTo(4);
    }

    @Test
    void shouldTellAJsonAnswerThatBreaksOffOrCarriesGarbageAfterItFromAWholeOne() {
        final String whole = "{\"choices\":[{\"message\":{\"content\":\"x\"}}],\"usage\":{\"prompt_tokens\":9}}";

        assertThat(new UsageScanner(JsonMapper.builder().build()).acceptBody(bytes(whole))).isTrue();
        assertThat(scanner.acceptBody(bytes(whole.substring(0, whole.length() / 2)))).as("broken off").isFalse();
        assertThat(scanner.acceptBody(bytes(whole + "}"))).as("garbage after it").isFalse();
        assertThat(scanner.acceptBody(new byte[0])).as("empty").isFalse();
    }

    private static byte[] bytes(final String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void reportsNoUsageForAnAnswerThatIsNotJson() {
        assertThat(scanner.acceptBody("<html>bad gateway</html>".getBytes(StandardCharsets.UTF_8))).isFalse();

        assertThat(scanner.promptTokens()).isNull();
        assertThat(scanner.completionTokens()).isNull();
    }
}
