package dev.switchboard.stats.canary;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 7's simulation of the pure judge (seeded): a canary at 10% of 20 requests a second (2 a second to the
 * candidate, 18 to the baseline; 2% errors at the baseline), judged every 5 seconds for an hour of traffic.
 * Identical versions must be rolled back in at most 5% of runs; a candidate 3 points worse in at least 95%, and the
 * median samples and time to that decision are logged. Beside it, the same traffic judged the way fixed-threshold
 * tools do, a fixed-sample test repeated at every look, shows why the judge is sequential.
 */
class CanaryJudgeSimulationTest {

    private static final Logger log = LoggerFactory.getLogger(CanaryJudgeSimulationTest.class);
    private static final int RUNS = 1_000;
    private static final Duration LOOK = Duration.ofSeconds(5);
    private static final int LOOKS_IN_AN_HOUR = 720;
    private static final int BASELINE_PER_LOOK = 90;
    private static final int CANDIDATE_PER_LOOK = 10;
    private static final double BASELINE_ERRORS = 0.02;
    private static final List<Gate> ONE_POINT = List.of(errorRateVsBaseline(0.01));
    private static final List<Gate> NO_WORSE = List.of(errorRateVsBaseline(0));
    /** Never promote in these runs: the hour is judged whole, as the issue asks. */
    private static final CanaryJudge.Step WHOLE_HOUR = new CanaryJudge.Step(Duration.ofHours(2), Long.MAX_VALUE);

    private final CanaryJudge judge = CanaryJudge.defaults();

    /** One run: whether and when it was rolled back, and the candidate's samples then. */
    private record Run(boolean rolledBack, long candidateSamples, Duration after) {
    }

    @Test
    void anIdenticalCandidateIsRolledBackInAtMostFivePercentOfRunsJudgedEveryFiveSecondsForAnHour() {
        final List<Run> oneGate = runs(BASELINE_ERRORS, ONE_POINT, 1);
        final List<Run> strict = runs(BASELINE_ERRORS, NO_WORSE, 2);

        log.info("Identical versions, judged every 5 s for an hour, {} runs: rolled back in {}% with the gate "
            + "'no more than 1 point worse', in {}% with 'no worse at all'", RUNS, percent(oneGate), percent(strict));
        assertThat(rolledBack(oneGate)).isLessThanOrEqualTo(0.05);
        assertThat(rolledBack(strict)).isLessThanOrEqualTo(0.05);
    }

    @Test
    void aCandidateThreePointsWorseIsRolledBackInAtLeastNinetyFivePercentOfRuns() {
        final List<Run> runs = runs(BASELINE_ERRORS + 0.03, ONE_POINT, 3);

        final List<Run> caught = runs.stream().filter(Run::rolledBack).toList();
        log.info("Candidate 3 points worse (5% vs 2%), gate 'no more than 1 point worse', {} runs: rolled back in "
                + "{}%, after a median of {} candidate samples and {}", RUNS, percent(runs),
            median(caught.stream().mapToLong(Run::candidateSamples).toArray()),
            Duration.ofSeconds(median(caught.stream().mapToLong(run -> run.after().toSeconds()).toArray())));
        assertThat(rolledBack(runs)).isGreaterThanOrEqualTo(0.95);
    }

    @Test
    void aFixedSampleTestRepeatedAtEveryLookWouldRollBackIdenticalVersionsFarMoreOften() {
        final SplittableRandom random = new SplittableRandom(4);
        int rolledBack = 0;
        for (int run = 0; run < RUNS; run++) {
            final Traffic traffic = new Traffic(random, BASELINE_ERRORS, BASELINE_ERRORS);
            for (int look = 1; look <= LOOKS_IN_AN_HOUR; look++) {
                traffic.next();
                if (traffic.candidateSamples >= judge.minimumToRollBack() && traffic.oneSidedZ() > 1.645) {
                    rolledBack++;
                    break;
                }
            }
        }
        final double naive = (double) rolledBack / RUNS;
        final double sequential = rolledBack(runs(BASELINE_ERRORS, NO_WORSE, 2));
        log.info("Identical versions, 'no worse' checked by a one-sided z-test at 0.05 on every look: rolled back in "
            + "{}% of runs; the sequential judge: {}%", 100 * naive, 100 * sequential);
        assertThat(naive).isGreaterThan(0.2).isGreaterThan(3 * sequential);
    }

    @Test
    void anIdenticalCandidateIsPromotedOnceTheStepHasRunItsTimeAndSample() {
        final CanaryJudge.Step step = new CanaryJudge.Step(Duration.ofMinutes(10), 1_000);
        final SplittableRandom random = new SplittableRandom(5);
        final List<Long> seconds = new ArrayList<>();
        for (int run = 0; run < 200; run++) {
            final Traffic traffic = new Traffic(random, BASELINE_ERRORS, BASELINE_ERRORS);
            for (int look = 1; look <= LOOKS_IN_AN_HOUR; look++) {
                traffic.next();
                final CanaryDecision decision = judge.judge(ONE_POINT, step, traffic.evidence(look));
                if (decision instanceof CanaryDecision.Promote) {
                    seconds.add(LOOK.toSeconds() * look);
                    break;
                }
                assertThat(decision).isNotInstanceOf(CanaryDecision.RollBack.class);
            }
        }
        log.info("Identical versions, gate 'no more than 1 point worse', step of 10 min and 1,000 samples: promoted "
            + "in {} of 200 runs within the hour, after a median of {}", seconds.size(),
            Duration.ofSeconds(median(seconds.stream().mapToLong(Long::longValue).toArray())));
        assertThat(seconds).hasSizeGreaterThanOrEqualTo(190);
        assertThat(seconds).allMatch(s -> s >= 600);
    }

    private List<Run> runs(final double candidateErrors, final List<Gate> gates, final long seed) {
        final SplittableRandom random = new SplittableRandom(seed);
        final List<Run> runs = new ArrayList<>(RUNS);
        for (int run = 0; run < RUNS; run++) {
            runs.add(run(new Traffic(random, BASELINE_ERRORS, candidateErrors), gates));
        }
        return runs;
    }

    private Run run(final Traffic traffic, final List<Gate> gates) {
        for (int look = 1; look <= LOOKS_IN_AN_HOUR; look++) {
            traffic.next();
            if (judge.judge(gates, WHOLE_HOUR, traffic.evidence(look)) instanceof CanaryDecision.RollBack) {
                return new Run(true, traffic.candidateSamples, LOOK.multipliedBy(look));
            }
        }
        return new Run(false, traffic.candidateSamples, LOOK.multipliedBy(LOOKS_IN_AN_HOUR));
    }

    /** Five seconds of requests at a time, each failing on its own with its version's error rate. */
    private static final class Traffic {
        private final SplittableRandom random;
        private final double baselineErrors;
        private final double candidateErrors;
        private long baselineSamples;
        private long baselineFailures;
        private long candidateSamples;
        private long candidateFailures;

        Traffic(final SplittableRandom random, final double baselineErrors, final double candidateErrors) {
            this.random = random;
            this.baselineErrors = baselineErrors;
            this.candidateErrors = candidateErrors;
        }

        void next() {
            for (int i = 0; i < BASELINE_PER_LOOK; i++) {
                baselineFailures += random.nextDouble() < baselineErrors ? 1 : 0;
            }
            for (int i = 0; i < CANDIDATE_PER_LOOK; i++) {
                candidateFailures += random.nextDouble() < candidateErrors ? 1 : 0;
            }
            baselineSamples += BASELINE_PER_LOOK;
            candidateSamples += CANDIDATE_PER_LOOK;
        }

        CanaryEvidence evidence(final int look) {
            return new CanaryEvidence(CanaryEvidence.Side.ofCounts(baselineSamples, baselineFailures),
                CanaryEvidence.Side.ofCounts(candidateSamples, candidateFailures), LOOK.multipliedBy(look));
        }

        /** The fixed-sample z statistic of "the candidate fails more often", pooled. */
        double oneSidedZ() {
            final double pooled = (double) (baselineFailures + candidateFailures) / (baselineSamples + candidateSamples);
            final double se = Math.sqrt(pooled * (1 - pooled) * (1.0 / baselineSamples + 1.0 / candidateSamples));
            final double difference = (double) candidateFailures / candidateSamples
                - (double) baselineFailures / baselineSamples;
            return se == 0 ? 0 : difference / se;
        }
    }

    private static double rolledBack(final List<Run> runs) {
        return (double) runs.stream().filter(Run::rolledBack).count() / runs.size();
    }

    private static String percent(final List<Run> runs) {
        return String.format(Locale.ROOT, "%.1f", 100 * rolledBack(runs));
    }

    private static long median(final long[] values) {
        if (values.length == 0) {
            return 0;
        }
        final long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static Gate errorRateVsBaseline(final double maxWorse) {
        return new Gate(Gate.Metric.ERROR_RATE, Gate.Kind.VS_BASELINE, maxWorse);
    }

    private static Gate errorRateAtMost(final double max) {
        return new Gate(Gate.Metric.ERROR_RATE, Gate.Kind.ABSOLUTE, max);
    }
}
