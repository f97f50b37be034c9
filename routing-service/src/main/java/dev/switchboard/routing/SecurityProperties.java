package dev.switchboard.routing;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Secrets of the front door ({@code switchboard.security.*}), normally from {@code SWITCHBOARD_ADMIN_TOKEN} and
 * {@code SWITCHBOARD_CLIENT_KEYS}. An admin credential and the client keys are required: a router that starts without them would be open.
 *
 * @param adminToken  the shared bearer token of the admin API ({@code /api/...}): one operator, {@code admin}, with every
 *                    role; blank when only named tokens are used
 * @param adminTokens named tokens of the admin API with a role each, {@code name:role:token,...} ({@code
 *                    SWITCHBOARD_ADMIN_TOKENS}; roles {@code viewer}, {@code operator}, {@code approver})
 * @param clientKeys comma-separated client keys of the OpenAI-compatible API ({@code /v1/...})
 * @param secretsKey base64 of 32 random bytes ({@code SWITCHBOARD_SECRETS_KEY}) sealing provider secrets in events;
 *                   derived from the admin token when unset
 */
@ConfigurationProperties("switchboard.security")
public record SecurityProperties(String adminToken, String adminTokens, String clientKeys, String secretsKey) {
}
