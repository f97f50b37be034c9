package dev.switchboard.routing.notify;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature of a webhook body: {@code X-Switchboard-Signature: sha256=<hex>}, the HMAC-SHA256 under the
 * channel's secret of {@code <X-Switchboard-Timestamp>.<body>}. Signing the timestamp with the body lets a receiver
 * refuse a replayed request (one whose timestamp is old) as well as a forged one.
 */
public final class WebhookSignature {

    public static final String SIGNATURE_HEADER = "X-Switchboard-Signature";
    public static final String TIMESTAMP_HEADER = "X-Switchboard-Timestamp";
    public static final String EVENT_ID_HEADER = "X-Switchboard-Event-Id";
    private static final String SCHEME = "sha256=";

    private WebhookSignature() {
    }

    /** @param timestamp the epoch seconds sent in {@link #TIMESTAMP_HEADER} */
    public static String sign(final String secret, final long timestamp, final String body) {
        try {
            final Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return SCHEME + HexFormat.of().formatHex(
                mac.doFinal((timestamp + "." + body).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("every JDK has HmacSHA256", e);
        }
    }

    /** What a receiver does: recomputes the signature and compares in constant time. */
    public static boolean verify(final String secret, final long timestamp, final String body,
                                 final String signature) {
        return signature != null && MessageDigest.isEqual(sign(secret, timestamp, body)
            .getBytes(StandardCharsets.UTF_8), signature.getBytes(StandardCharsets.UTF_8));
    }
}
