package dev.switchboard.routing.proxy;

import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** Answers front-door failures in OpenAI's error shape, {@code {"error":{"message","type","param","code"}}}. */
@RestControllerAdvice(assignableTypes = OpenAiController.class)
class OpenAiErrorAdvice {

    private static final Logger log = LoggerFactory.getLogger(OpenAiErrorAdvice.class);

    @ExceptionHandler(FrontDoorException.class)
    ResponseEntity<Map<String, Object>> frontDoor(final FrontDoorException e) {
        log.debug("Front door answered {}: {}", e.status(), e.getMessage());
        final ResponseEntity.BodyBuilder answer = ResponseEntity.status(e.status()).contentType(MediaType.APPLICATION_JSON);
        if (e.retryable()) {
            answer.header("Retry-After", "1");
        }
        return answer.body(body(e.getMessage(), e.type(), e.code()));
    }

    @ExceptionHandler(RuntimeException.class)
    ResponseEntity<Map<String, Object>> unexpected(final RuntimeException e) {
        log.error("Unexpected failure serving a chat completion", e);
        return ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR).contentType(MediaType.APPLICATION_JSON)
            .body(body("The router failed unexpectedly; the request may be retried", "server_error", "internal_error"));
    }

    private static Map<String, Object> body(final String message, final String type, final String code) {
        return OpenAiErrors.body(message, type, code);
    }
}
