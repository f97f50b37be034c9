package dev.switchboard.stats.rollout;

/** A record the rollout processor writes: the topic and the encoded value (null for a tombstone). */
public record RolloutOutput(String topic, byte[] value) {
}
