package dev.switchboard.stats.daily;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.DDSketches;
import com.datadoghq.sketch.ddsketch.encoding.ByteArrayInput;
import com.datadoghq.sketch.ddsketch.encoding.GrowingByteArrayOutput;
import com.datadoghq.sketch.ddsketch.store.CollapsingLowestDenseStore;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A distribution of latencies in milliseconds, as a DDSketch: any quantile within 1% of the true value, a bounded
 * size whatever the traffic, and mergeable, so the distributions of minutes add up to the one of their day.
 * Mutable: values are added in place.
 */
public final class LatencyDistribution {

    /** Quantiles are within this relative error of the exact ones. */
    static final double RELATIVE_ACCURACY = 0.01;
    /** Buckets kept at most; past that, the lowest are merged, so the high quantiles stay exact to 1%. */
    static final int MAX_BUCKETS = 2048;

    private final DDSketch sketch;

    private LatencyDistribution(final DDSketch sketch) {
        this.sketch = sketch;
    }

    public static LatencyDistribution empty() {
        return new LatencyDistribution(DDSketches.logarithmicCollapsingLowestDense(RELATIVE_ACCURACY, MAX_BUCKETS));
    }

    /** @throws IllegalArgumentException when the bytes are not an encoded distribution */
    public static LatencyDistribution fromBytes(final byte[] bytes) {
        try {
            // Decoded straight into a store of the right kind: merging into an empty sketch would grow its range
            // bucket by bucket, which cost more than the rest of the fold.
            return new LatencyDistribution(DDSketch.decode(ByteArrayInput.wrap(bytes),
                () -> new CollapsingLowestDenseStore(MAX_BUCKETS)));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not an encoded latency distribution: " + e.getMessage(), e);
        }
    }

    public void add(final long latencyMs) {
        sketch.accept(Math.max(0, latencyMs)); // a negative latency (a clock stepped back) counts as 0

    }

    public void addAll(final LatencyDistribution other) {
        sketch.mergeWith(other.sketch);
    }

    public long count() {
        return Math.round(sketch.getCount());
    }

    /** The value at {@code quantile} (0-1), in milliseconds; 0 when empty. */
    public double quantile(final double quantile) {
        return count() == 0 ? 0 : sketch.getValueAtQuantile(quantile);
    }

    public byte[] toBytes() {
        final GrowingByteArrayOutput out = GrowingByteArrayOutput.withDefaultInitialCapacity();
        try {
            sketch.encode(out, false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a latency distribution in memory", e);
        }
        return out.trimmedCopy();
    }
}
