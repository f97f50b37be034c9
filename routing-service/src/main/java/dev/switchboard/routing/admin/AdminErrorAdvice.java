package dev.switchboard.routing.admin;

import dev.switchboard.common.web.BindingErrors;
import dev.switchboard.events.ChangeProposal;
import dev.switchboard.routing.controlplane.ConfigUnavailableException;
import dev.switchboard.routing.web.Problems;
import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.core.MethodParameter;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.server.ContentTooLargeException;
import org.springframework.web.server.ServerWebInputException;
import tools.jackson.databind.ObjectMapper;

/** Admin API failures as RFC 9457 problem details; nothing is changed by a request that fails. */
@RestControllerAdvice(assignableTypes = {ProviderAdminController.class, ExperimentAdminController.class,
    ModelRegistryController.class, RolloutAdminController.class, AuditController.class,
    AlertAdminController.class, ProposalAdminController.class})
@Order(Ordered.HIGHEST_PRECEDENCE) // before Boot's generic problem details, whose "Failed to read request" says too little
class AdminErrorAdvice {

    private static final Logger log = LoggerFactory.getLogger(AdminErrorAdvice.class);

    private final ObjectMapper json;

    AdminErrorAdvice(final ObjectMapper json) {
        this.json = json;
    }

    /** A change the provider's policy sends to an approver: accepted as a proposal, not applied. */
    @ExceptionHandler(ApprovalRequired.class)
    ResponseEntity<ProposalAnswer> proposed(final ApprovalRequired e) {
        final ChangeProposal proposal = e.proposal();
        return ResponseEntity.status(HttpStatus.ACCEPTED)
            .location(URI.create("/api/proposals/" + proposal.getId()))
            .body(new ProposalAnswer(ProposalView.of(proposal, proposal.getCreatedAt(), json), e.getMessage()));
    }

    @ExceptionHandler(AdminException.class)
    ProblemDetail refused(final AdminException e) {
        return Problems.of(e.status(), e.getMessage());
    }

    /**
     * A body that does not bind to its command: the field and what it must be, or the command's own refusal. The
     * framework's own "Failed to read HTTP message" says too little. A query or path parameter of the wrong kind
     * (e.g. {@code ?limit=ten}) is named by the framework's reason instead.
     */
    @ExceptionHandler(ServerWebInputException.class)
    ProblemDetail unreadable(final ServerWebInputException e) {
        final MethodParameter parameter = e.getMethodParameter();
        if (parameter != null && !parameter.hasParameterAnnotation(RequestBody.class)) {
            return Problems.of(HttpStatus.BAD_REQUEST, e.getCause() instanceof TypeMismatchException mismatch
                ? "'" + parameter.getParameterName() + "' must be " + BindingErrors.kind(mismatch.getRequiredType())
                    + ", got '" + mismatch.getValue() + "'"
                : e.getReason());
        }
        return refused(CommandErrors.explain(e));
    }

    /** A body over the buffer the admin API reads bodies into ({@code spring.codec.max-in-memory-size}). */
    @ExceptionHandler(ContentTooLargeException.class)
    ProblemDetail tooLarge(final ContentTooLargeException e) {
        return Problems.of(HttpStatus.CONTENT_TOO_LARGE, "The request body is larger than the admin API reads ("
            + (e.getCause() == null ? "over its limit" : e.getCause().getMessage()) + "); nothing was changed");
    }

    @ExceptionHandler(ConfigUnavailableException.class)
    ResponseEntity<ProblemDetail> unavailable(final ConfigUnavailableException e) {
        log.warn("Kafka did not answer the admin API: {}", e.getMessage());
        final ProblemDetail problem = Problems.of(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage());
        problem.setProperty("retryable", true);
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header("Retry-After", "5").body(problem);
    }
}
