package dev.switchboard.routing.web;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/** The router's RFC 9457 answers: a status, its reason phrase as the title, and what went wrong in the detail. */
public final class Problems {

    private Problems() {
    }

    public static ProblemDetail of(final HttpStatus status, final String detail) {
        final ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(status.getReasonPhrase());
        return problem;
    }
}
