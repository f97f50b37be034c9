package dev.switchboard.stats.query;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * The stats API's errors: a 400 for a query to correct, a 404 for an experiment nobody defined, a retryable 503
 * while the stores cannot answer.
 */
@RestControllerAdvice(basePackageClasses = StatsApiErrors.class)
class StatsApiErrors {

    @ExceptionHandler(BadQueryException.class)
    ProblemDetail badQuery(final BadQueryException e) {
        final ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage());
        problem.setTitle("Bad query");
        return problem;
    }

    @ExceptionHandler(UnknownNameException.class)
    ProblemDetail unknownName(final UnknownNameException e) {
        final ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, e.getMessage());
        problem.setTitle("Unknown " + e.kind());
        return problem;
    }

    @ExceptionHandler(ExperimentReportController.ReportBusyException.class)
    ResponseEntity<ProblemDetail> reportBusy(final ExperimentReportController.ReportBusyException e) {
        final ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage());
        problem.setTitle("Busy");
        problem.setProperty("retryable", true);
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header("Retry-After", "5").body(problem);
    }

    @ExceptionHandler(StoreNotReadyException.class)
    ResponseEntity<ProblemDetail> notReady(final StoreNotReadyException e) {
        final ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage());
        problem.setTitle("Stats not ready");
        problem.setProperty("retryable", true);
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header("Retry-After", "1").body(problem);
    }
}
