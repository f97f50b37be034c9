/**
 * Adaptive experiments (issue 22): best-arm identification among versions of one provider. Shares move toward the
 * arms likely to be best (top-two Thompson sampling), arms that are surely worse than another are eliminated by
 * always-valid intervals, and the search stops once one arm is left, or with no clear winner at its limits. Plain
 * Java: the stream and the router act on its decisions. Null-marked.
 */
@NullMarked
package dev.switchboard.stats.experiment.adaptive;

import org.jspecify.annotations.NullMarked;
