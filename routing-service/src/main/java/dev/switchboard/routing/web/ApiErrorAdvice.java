package dev.switchboard.routing.web;

import java.util.stream.Collectors;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.reactive.resource.NoResourceFoundException;
import org.springframework.web.server.MethodNotAllowedException;
import org.springframework.web.server.UnsupportedMediaTypeStatusException;

/**
 * The router's HTTP API speaks in its own words, never the framework's: an unknown path, a method a path does not
 * take, and a body that is not JSON are problem details that say what to do instead.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE + 1) // after the admin API's own, before Boot's generic problem details
class ApiErrorAdvice {

    @ExceptionHandler(NoResourceFoundException.class)
    ProblemDetail unknownPath(final NoResourceFoundException e, final ServerHttpRequest request) {
        return Problems.of(HttpStatus.NOT_FOUND, "Unknown path " + request.getMethod() + " "
            + request.getPath().pathWithinApplication().value() + "; the README lists the API");
    }

    @ExceptionHandler(MethodNotAllowedException.class)
    ResponseEntity<ProblemDetail> wrongMethod(final MethodNotAllowedException e, final ServerHttpRequest request) {
        final String allowed = e.getSupportedMethods().stream().map(Object::toString).sorted()
            .collect(Collectors.joining(", "));
        return ResponseEntity.status(HttpStatus.METHOD_NOT_ALLOWED).headers(e.getHeaders())
            .body(Problems.of(HttpStatus.METHOD_NOT_ALLOWED, request.getPath().pathWithinApplication().value()
                + " takes " + allowed + ", not " + request.getMethod()));
    }

    @ExceptionHandler(UnsupportedMediaTypeStatusException.class)
    ProblemDetail notJson(final UnsupportedMediaTypeStatusException e) {
        return Problems.of(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "The body must be JSON: send 'Content-Type: application/json'"
            + (e.getContentType() == null ? "" : ", not '" + e.getContentType() + "'"));
    }
}
