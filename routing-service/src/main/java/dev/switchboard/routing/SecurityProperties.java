package dev.switchboard.routing;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Secrets of the front door ({@code switchboard.security.*}), normally from {@code SWITCHBOARD_ADMIN_TOKEN} and
 * {@code SWITCHBOARD_CLIENT_KEYS}. Both are required: a router that starts without them would be open.
 *
 * @param adminToken bearer token of the admin API ({@code /api/...})
 * @param clientKeys comma-separated client keys of the OpenAI-compatible API ({@code /v1/...})
 * @param secretsKey base64 of 32 random bytes ({@code SWITCHBOARD_SECRETS_KEY}) sealing provider secrets in events;
 *                   derived from the admin token when unset
 */
@ConfigurationProperties("switchboard.security")
public record SecurityProperties(String adminToken, String clientKeys, String secretsKey) {
}
