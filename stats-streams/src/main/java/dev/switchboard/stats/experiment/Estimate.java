package dev.switchboard.stats.experiment;

/** A point estimate and its confidence interval, at the experiment's confidence level. */
public record Estimate(double value, double low, double high) {

    public static Estimate exact(final double value) {
        return new Estimate(value, value, value);
    }

    /** Whether the interval leaves out zero: for a difference, whether it is significant at the interval's level. */
    public boolean excludesZero() {
        return low > 0 || high < 0;
    }
}
