package dev.switchboard.stats.sketch;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.DDSketches;
import com.datadoghq.sketch.ddsketch.encoding.ByteArrayInput;
import com.datadoghq.sketch.ddsketch.encoding.GrowingByteArrayOutput;
import com.datadoghq.sketch.ddsketch.store.CollapsingLowestDenseStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * A distribution of values (latencies in milliseconds, latency differences, similarity scores), as a DDSketch: any
 * quantile within 1% of the true value, of either sign, a bounded size whatever the traffic, and mergeable, so the
 * distributions of minutes add up to the one of their day. Mutable: values are added in place.
 */
public final class Distribution {

    /** Quantiles are within this relative error of the exact ones. */
    public static final double RELATIVE_ACCURACY = 0.01;
    /** Buckets kept at most; past that, the lowest are merged, so the high quantiles stay exact to 1%. */
    public static final int MAX_BUCKETS = 2048;

    private final DDSketch sketch;

    private Distribution(final DDSketch sketch) {
        this.sketch = sketch;
    }

    public static Distribution empty() {
        return new Distribution(DDSketches.logarithmicCollapsingLowestDense(RELATIVE_ACCURACY, MAX_BUCKETS));
    }

    /** @throws IllegalArgumentException when the bytes are not an encoded distribution */
    public static Distribution fromBytes(final byte[] bytes) {
        try {
            // Decoded straight into a store of the right kind: merging into an empty sketch would grow its range
            // bucket by bucket, which cost more than the rest of the fold.
            return new Distribution(DDSketch.decode(ByteArrayInput.wrap(bytes),
                () -> new CollapsingLowestDenseStore(MAX_BUCKETS)));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not an encoded distribution: " + e.getMessage(), e);
        }
    }

    /**
     * A distribution as an Avro {@code bytes} field holds it; empty for {@code null}, a record written before the
     * distribution was kept.
     *
     * @throws IllegalArgumentException when the bytes are not an encoded distribution
     */
    public static Distribution fromBuffer(final ByteBuffer stored) {
        if (stored == null) {
            return empty();
        }
        final byte[] bytes = new byte[stored.remaining()];
        stored.duplicate().get(bytes);
        return fromBytes(bytes);
    }

    public void add(final double value) {
        sketch.accept(value);
    }

    public void addAll(final Distribution other) {
        sketch.mergeWith(other.sketch);
    }

    public long count() {
        return Math.round(sketch.getCount());
    }

    /** The value at {@code quantile} (0-1); 0 when empty. */
    public double quantile(final double quantile) {
        return count() == 0 ? 0 : sketch.getValueAtQuantile(quantile);
    }

    public byte[] toBytes() {
        final GrowingByteArrayOutput out = GrowingByteArrayOutput.withDefaultInitialCapacity();
        try {
            sketch.encode(out, false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a distribution in memory", e);
        }
        return out.trimmedCopy();
    }

    /** The encoded distribution, for an Avro {@code bytes} field. */
    public ByteBuffer toBuffer() {
        return ByteBuffer.wrap(toBytes());
    }
}
