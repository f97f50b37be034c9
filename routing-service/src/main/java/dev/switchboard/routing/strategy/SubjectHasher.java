package dev.switchboard.routing.strategy;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.commons.codec.digest.MurmurHash3;

/**
 * The two hashes of a sticky subject (an {@code X-Session-Id} or the body's {@code user}).
 *
 * <p>{@link #bucket}: MurmurHash3 x64 128-bit (seed 0) of the UTF-8 bytes of {@code salt + "\n" + subject};
 * the first 64-bit half, modulo 10,000. Stable across routers, restarts and languages (unlike Java's
 * {@code String.hashCode} or Python's per-process {@code hash()}).
 *
 * <p>{@link #hash}: what outcome events carry instead of the subject, HMAC-SHA256 under a deployment key, so a
 * subject cannot be recovered by hashing guesses.
 */
public final class SubjectHasher {

    public static final int BUCKETS = 10_000;
    private static final HexFormat HEX = HexFormat.of();

    /**
     * One keyed MAC per thread (a MAC is not thread-safe): looking the algorithm up and keying it for every request
     * cost more than the rest of choosing a version (bench/jmh LookupBenchmark). {@code doFinal} leaves it ready for
     * the next subject. The threads are the router's few event loops.
     */
    private final ThreadLocal<Mac> macs;

    public SubjectHasher(final byte[] key) {
        final SecretKeySpec spec = new SecretKeySpec(key.clone(), "HmacSHA256");
        this.macs = ThreadLocal.withInitial(() -> keyed(spec));
    }

    private static Mac keyed(final SecretKeySpec spec) {
        try {
            final Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(spec);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has HmacSHA256", e);
        }
    }

    public static int bucket(final String salt, final String subject) {
        final long[] hash = MurmurHash3.hash128x64((salt + "\n" + subject).getBytes(StandardCharsets.UTF_8));
        return (int) Math.floorMod(hash[0], (long) BUCKETS);
    }

    public String hash(final String subject) {
        final byte[] digest = macs.get().doFinal(subject.getBytes(StandardCharsets.UTF_8));
        return HEX.formatHex(digest, 0, 16);
    }
}
