package dev.switchboard.prober.web;

import dev.switchboard.common.web.BindingErrors;
import dev.switchboard.prober.kafka.HealthCheckConfigStore.HealthConfigUnavailableException;
import dev.switchboard.prober.schedule.UnknownVersionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** The health API's failures as RFC 9457 problem details saying what is wrong; a failed change changes nothing. */
@RestControllerAdvice(assignableTypes = {HealthCheckController.class, ProviderHealthController.class})
@Order(Ordered.HIGHEST_PRECEDENCE)
class HealthApiErrors {

    private static final Logger log = LoggerFactory.getLogger(HealthApiErrors.class);

    @ExceptionHandler(BadRequestException.class)
    ProblemDetail badRequest(final BadRequestException e) {
        return problem(HttpStatus.BAD_REQUEST, e.getMessage());
    }

    /** A body that did not bind to its command: the command's own refusal, or what is wrong with the JSON. */
    @ExceptionHandler(HttpMessageNotReadableException.class)
    ProblemDetail unreadable(final HttpMessageNotReadableException e) {
        return BindingErrors.refusal(e, BadRequestException.class).map(this::badRequest)
            .orElseGet(() -> problem(HttpStatus.BAD_REQUEST, BindingErrors.describe(e)));
    }

    @ExceptionHandler(UnknownVersionException.class)
    ProblemDetail unknown(final UnknownVersionException e) {
        return problem(HttpStatus.NOT_FOUND, e.getMessage());
    }

    @ExceptionHandler(HealthConfigUnavailableException.class)
    ResponseEntity<ProblemDetail> unavailable(final HealthConfigUnavailableException e) {
        log.warn("A health check config change failed: {}", e.getMessage());
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header("Retry-After", "5")
            .body(problem(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage()));
    }

    private static ProblemDetail problem(final HttpStatus status, final String detail) {
        final ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(status.getReasonPhrase());
        return problem;
    }
}
