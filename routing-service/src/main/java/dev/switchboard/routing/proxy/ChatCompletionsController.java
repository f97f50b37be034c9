package dev.switchboard.routing.proxy;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.ObjectMapper;

/** OpenAI's {@code POST /v1/chat/completions}, where {@code model} names a logical provider. */
@RestController
class ChatCompletionsController {

    private final ChatProxy proxy;
    private final ObjectMapper json;

    ChatCompletionsController(final ChatProxy proxy, final ObjectMapper json) {
        this.proxy = proxy;
        this.json = json;
    }

    @PostMapping("/v1/chat/completions")
    void chatCompletions(@RequestBody(required = false) final byte[] body, final HttpServletResponse response)
        throws IOException {
        proxy.handle(ChatRequest.parse(body, json), response);
    }
}
