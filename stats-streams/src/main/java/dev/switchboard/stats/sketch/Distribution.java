package dev.switchboard.stats.sketch;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.encoding.ByteArrayInput;
import com.datadoghq.sketch.ddsketch.encoding.GrowingByteArrayOutput;
import com.datadoghq.sketch.ddsketch.mapping.IndexMapping;
import com.datadoghq.sketch.ddsketch.mapping.LogarithmicMapping;
import com.datadoghq.sketch.ddsketch.store.Bin;
import com.datadoghq.sketch.ddsketch.store.CollapsingLowestDenseStore;
import com.datadoghq.sketch.ddsketch.store.Store;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Supplier;

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
    /**
     * The mapping of values to buckets, immutable and the same for every distribution: made anew for each (as
     * {@code DDSketches} does) it cost a logarithm per new window, where a fold of sparse traffic makes many.
     */
    private static final IndexMapping MAPPING = new LogarithmicMapping(RELATIVE_ACCURACY);
    /** The buckets of a new or decoded distribution, for either sign: at most {@link #MAX_BUCKETS}, lowest merged. */
    private static final Supplier<Store> STORES = () -> new CollapsingLowestDenseStore(MAX_BUCKETS);

    private final DDSketch sketch;

    private Distribution(final DDSketch sketch) {
        this.sketch = sketch;
    }

    public static Distribution empty() {
        return new Distribution(new DDSketch(MAPPING, STORES));
    }

    /** @throws IllegalArgumentException when the bytes are not an encoded distribution */
    public static Distribution fromBytes(final byte[] bytes) {
        try {
            // Decoded straight into a store of the right kind: merging into an empty sketch would grow its range
            // bucket by bucket, which cost more than the rest of the fold.
            return new Distribution(DDSketch.decode(ByteArrayInput.wrap(bytes), STORES));
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

    /** Receives buckets: a representative value (within the relative accuracy of every value in it) and a count. */
    @FunctionalInterface
    public interface BucketConsumer {
        void accept(double value, double count);
    }

    /** Hands over the buckets in ascending order of value, zeros included; for rank tests on whole populations. */
    public void forEachBucket(final BucketConsumer consumer) {
        final IndexMapping mapping = sketch.getIndexMapping();
        double binned = 0;
        // A negative value's bucket is indexed by its magnitude: the largest index is the smallest value.
        final Iterator<Bin> negatives = sketch.getNegativeValueStore().getDescendingIterator();
        while (negatives.hasNext()) {
            final Bin bin = negatives.next();
            consumer.accept(-mapping.value(bin.getIndex()), bin.getCount());
            binned += bin.getCount();
        }
        final List<Bin> positives = new ArrayList<>();
        sketch.getPositiveValueStore().getAscendingIterator().forEachRemaining(positives::add);
        for (final Bin bin : positives) {
            binned += bin.getCount();
        }
        final double zeros = sketch.getCount() - binned;
        if (zeros > 0) {
            consumer.accept(0, zeros);
        }
        for (final Bin bin : positives) {
            consumer.accept(mapping.value(bin.getIndex()), bin.getCount());
        }
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

    /**
     * The encoded distribution for a nullable Avro {@code bytes} field: {@code null} when empty, which
     * {@link #fromBuffer} reads back as empty. Most windows of a version that does not stream hold no time to
     * first token; encoding and decoding an empty sketch for each cost as much as a full one.
     */
    public ByteBuffer toNullableBuffer() {
        return count() == 0 ? null : toBuffer();
    }
}
