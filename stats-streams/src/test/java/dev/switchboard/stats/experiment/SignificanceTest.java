package dev.switchboard.stats.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import dev.switchboard.stats.sketch.Distribution;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.apache.commons.math3.stat.descriptive.SummaryStatistics;
import org.apache.commons.math3.stat.inference.MannWhitneyUTest;
import org.apache.commons.math3.stat.inference.TTest;
import org.junit.jupiter.api.Test;

/** The tests on aggregates agree with commons-math3's tests on the raw samples. */
class SignificanceTest {

    private final SplittableRandom random = new SplittableRandom(5);

    @Test
    void momentsMergedFromPartsEqualTheMomentsOfTheWhole() {
        final double[] first = sample(500, 100, 20);
        final double[] second = sample(300, 140, 35);
        final double[] whole = concat(first, second);
        final SummaryStatistics exact = new SummaryStatistics();
        Arrays.stream(whole).forEach(exact::addValue);

        final Moments merged = Moments.of(first).plus(Moments.of(second));

        assertThat(merged.count()).isEqualTo(800);
        assertThat(merged.mean()).isCloseTo(exact.getMean(), offset(1e-9));
        assertThat(merged.variance()).isCloseTo(exact.getVariance(), offset(1e-6));
    }

    @Test
    void welchOnMomentsGivesTheSamePValueAsOnTheSamples() {
        final double[] control = sample(200, 100, 20);
        final double[] candidate = sample(150, 106, 30);

        final Significance.Difference welch = Significance.welch(Moments.of(control), Moments.of(candidate), 0.95);

        assertThat(welch.pValue()).isCloseTo(new TTest().tTest(control, candidate), offset(1e-9));
        assertThat(welch.difference().value()).isCloseTo(mean(candidate) - mean(control), offset(1e-9));
        assertThat(welch.difference().low()).isLessThan(welch.difference().value());
    }

    @Test
    void mannWhitneyOnSketchesIsCloseToMannWhitneyOnTheSamples() {
        final double[] control = rounded(sample(400, 400, 120));
        final double[] candidate = rounded(sample(400, 425, 120));

        final Significance.Difference onSketches = Significance.mannWhitney(sketch(control), sketch(candidate), 0.95);

        // Values within 1% of each other share a bucket and count as ties, so the p-values differ a little.
        assertThat(onSketches.pValue())
            .isCloseTo(new MannWhitneyUTest().mannWhitneyUTest(control, candidate), offset(0.01));
        assertThat(onSketches.difference().value()).as("the candidate tends higher").isPositive();
    }

    @Test
    void twoProportionsIsTheContinuityCorrectedTest() {
        // R: prop.test(c(45, 30), c(100, 100)) gives p = 0.04088 (Yates' correction on by default).
        final Significance.Difference difference = Significance.twoProportions(30, 100, 45, 100, 0.95);

        assertThat(difference.pValue()).isCloseTo(0.0409, offset(0.0005));
        assertThat(difference.difference().value()).isCloseTo(0.15, offset(1e-12));
    }

    @Test
    void theWilsonIntervalStaysWithinZeroAndOne() {
        final Estimate allGood = Significance.proportion(50, 50, 0.95);

        assertThat(allGood.value()).isEqualTo(1.0);
        assertThat(allGood.high()).isEqualTo(1.0);
        assertThat(allGood.low()).isCloseTo(0.929, offset(0.001));
    }

    private double[] sample(final int n, final double mean, final double deviation) {
        final double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = mean + deviation * Math.sqrt(-2 * Math.log(1 - random.nextDouble()))
                * Math.cos(2 * Math.PI * random.nextDouble());
        }
        return values;
    }

    private static double[] rounded(final double[] values) {
        return Arrays.stream(values).map(value -> Math.max(1, Math.round(value))).toArray();
    }

    private static Distribution sketch(final double[] values) {
        final Distribution distribution = Distribution.empty();
        Arrays.stream(values).forEach(distribution::add);
        return distribution;
    }

    private static double[] concat(final double[] a, final double[] b) {
        final double[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static double mean(final double[] values) {
        return Arrays.stream(values).average().orElseThrow();
    }
}
