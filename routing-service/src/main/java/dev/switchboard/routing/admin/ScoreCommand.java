package dev.switchboard.routing.admin;

import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * Seed 002's client feedback: a quality score for one request, named by the {@code X-Request-Id} it was answered
 * with.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
record ScoreCommand(String requestId, Double score) {
    ScoreCommand {
        requestId = Checks.text(requestId, "request_id");
        score = Checks.number(score, "score", Double.NaN, -1e9, 1e9);
    }
}
