package dev.switchboard.common.security;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals provider secrets (api keys, tokens) before they go into a Kafka event, and opens them in the router and
 * prober that must send them to the provider. AES-256-GCM with a random 96-bit nonce; the sealed form is
 * {@code v1:} + base64(nonce || ciphertext || tag). The associated data binds a sealed value to its version key
 * and field, so a value copied onto another version does not open.
 */
public final class SecretSealer {

    private static final String PREFIX = "v1:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    private SecretSealer(final byte[] key) {
        this.key = new SecretKeySpec(key, "AES");
    }

    /**
     * @param base64Key {@code SWITCHBOARD_SECRETS_KEY}: 32 random bytes in base64; when blank, a key is derived
     *                  from {@code fallbackSecret} (the admin token), so one deployment still shares one key
     */
    public static SecretSealer fromConfig(final String base64Key, final String fallbackSecret) {
        if (base64Key != null && !base64Key.isBlank()) {
            final byte[] key;
            try {
                key = Base64.getDecoder().decode(base64Key.strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("SWITCHBOARD_SECRETS_KEY must be base64 of 32 random bytes");
            }
            if (key.length != 32) {
                throw new IllegalArgumentException("SWITCHBOARD_SECRETS_KEY must decode to 32 bytes, got " + key.length);
            }
            return new SecretSealer(key);
        }
        if (fallbackSecret == null || fallbackSecret.isBlank()) {
            throw new IllegalArgumentException("set SWITCHBOARD_SECRETS_KEY (or the admin token it falls back to)");
        }
        return new SecretSealer(sha256("switchboard-secrets-key:" + fallbackSecret.strip()));
    }

    public String seal(final String plain, final String context) {
        final byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            final Cipher cipher = cipher(Cipher.ENCRYPT_MODE, nonce, context);
            final byte[] sealed = cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            return PREFIX + Base64.getEncoder().encodeToString(
                ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is available on every JDK", e);
        }
    }

    /** @throws IllegalArgumentException when the value was sealed under another key or for another context */
    public String open(final String sealed, final String context) {
        if (sealed == null || !sealed.startsWith(PREFIX)) {
            throw new IllegalArgumentException("not a sealed secret");
        }
        try {
            final byte[] bytes = Base64.getDecoder().decode(sealed.substring(PREFIX.length()));
            final byte[] nonce = Arrays.copyOf(bytes, NONCE_BYTES);
            final Cipher cipher = cipher(Cipher.DECRYPT_MODE, nonce, context);
            return new String(cipher.doFinal(bytes, NONCE_BYTES, bytes.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
            throw new IllegalArgumentException("cannot open a sealed secret for " + context
                + ": sealed under another SWITCHBOARD_SECRETS_KEY, or damaged");
        }
    }

    private Cipher cipher(final int mode, final byte[] nonce, final String context) throws GeneralSecurityException {
        final Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
        return cipher;
    }

    private static byte[] sha256(final String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
