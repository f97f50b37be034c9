package dev.switchboard.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * What the launcher starts and where, from the environment: ports, the data directory and the secrets. Where
 * {@code SWITCHBOARD_ADMIN_TOKEN}, {@code SWITCHBOARD_ADMIN_TOKENS} (the demo's named operators),
 * {@code SWITCHBOARD_CLIENT_KEYS} or {@code SWITCHBOARD_SECRETS_KEY} is unset,
 * a random one is made, kept in the data directory (owner-only) so the next start reuses it, and printed.
 *
 * @param assistantPorts the experiment demo's three simulators, versions v1, v2 and v3 of {@code LLM/AssistantLLM}
 */
record LauncherSettings(Path home, Path dataDir, int kafkaPort, int controllerPort, int routerPort, int statsPort,
                        int proberPort, int simulatorV1Port, int simulatorV2Port, int simulatorV3Port,
                        List<Integer> assistantPorts, String adminToken,
                        String adminTokens, String clientKeys, String secretsKey, boolean generatedSecrets, boolean demoTraffic,
                        RolloutDemoRuns rolloutDemo) {

    /**
     * When the progressive-delivery demo runs ({@code SWITCHBOARD_ROLLOUT_DEMO}): once per data directory (its end
     * state is kept, and a restart shows it rather than adding two more rollouts), at every start, or never.
     */
    enum RolloutDemoRuns { ONCE, ALWAYS, NEVER }

    static LauncherSettings fromEnvironment(final Map<String, String> env, final Path home) throws IOException {
        final Path data = Path.of(env.getOrDefault("SWITCHBOARD_DATA_DIR", home.resolve("switchboard-data").toString()))
            .toAbsolutePath().normalize();
        final KeptSecrets kept = KeptSecrets.load(data.resolve("secrets.properties"));
        final String admin = kept.valueOf("SWITCHBOARD_ADMIN_TOKEN", env, () -> "sb-admin-" + random(16));
        // The demo's named operators, to try roles and approvals: ops-a proposes, ops-b approves, viewer reads.
        final String operators = kept.valueOf("SWITCHBOARD_ADMIN_TOKENS", env, () -> "ops-a:operator:sb-ops-a-"
            + random(16) + ",ops-b:approver:sb-ops-b-" + random(16) + ",viewer:viewer:sb-viewer-" + random(16));
        final String keys = kept.valueOf("SWITCHBOARD_CLIENT_KEYS", env, () -> "sb-client-" + random(16));
        final String secrets = kept.valueOf("SWITCHBOARD_SECRETS_KEY", env,
            () -> Base64.getEncoder().encodeToString(HexFormat.of().parseHex(random(32))));
        kept.save();
        return new LauncherSettings(home, data,
            port(env, "KAFKA_PORT", 9092), port(env, "KAFKA_CONTROLLER_PORT", 9093),
            port(env, "ROUTER_PORT", 8080), port(env, "STATS_PORT", 8081), port(env, "PROBER_PORT", 8082),
            port(env, "SIMULATOR_V1_PORT", 9101), port(env, "SIMULATOR_V2_PORT", 9102),
            port(env, "SIMULATOR_V3_PORT", 9103),
            List.of(port(env, "ASSISTANT_V1_PORT", 9111), port(env, "ASSISTANT_V2_PORT", 9112),
                port(env, "ASSISTANT_V3_PORT", 9113)),
            admin, operators, keys, secrets, blank(env.get("SWITCHBOARD_ADMIN_TOKEN")) || blank(env.get("SWITCHBOARD_CLIENT_KEYS")),
            !"false".equalsIgnoreCase(env.getOrDefault("SWITCHBOARD_DEMO_TRAFFIC", "true")),
            rolloutDemo(env.getOrDefault("SWITCHBOARD_ROLLOUT_DEMO", "once")));
    }

    private static RolloutDemoRuns rolloutDemo(final String value) {
        try {
            return RolloutDemoRuns.valueOf(value.strip().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("SWITCHBOARD_ROLLOUT_DEMO must be once, always or never, got '"
                + value + "'", e);
        }
    }

    /** Written when the rollout demo starts in this data directory: with {@code once}, it does not run again. */
    Path rolloutDemoMarker() {
        return dataDir.resolve("rollout-demo.done");
    }

    String bootstrapServers() {
        return "127.0.0.1:" + kafkaPort;
    }

    String firstClientKey() {
        return clientKeys.split(",")[0].strip();
    }

    Path logs() {
        return dataDir.resolve("logs");
    }

    Path jar(final String module) {
        final Path target = home.resolve(module).resolve("target");
        try (var files = Files.list(target)) {
            return files.filter(f -> f.getFileName().toString().endsWith("-exec.jar")).findFirst()
                .orElseThrow(() -> new IllegalStateException("No executable jar of " + module + " in " + target
                    + "; build first: mvn -DskipTests install (./switchboard run does this)"));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("Cannot read " + target + "; build first: mvn -DskipTests install", e);
        }
    }

    private static int port(final Map<String, String> env, final String name, final int fallback) {
        final String value = env.get(name);
        if (blank(value)) {
            return fallback;
        }
        try {
            final int port = Integer.parseInt(value.strip());
            if (port < 1 || port > 65_535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a port number 1-65535, got '" + value + "'");
        }
    }

    static boolean blank(final String value) {
        return value == null || value.isBlank();
    }

    private static String random(final int size) {
        final byte[] bytes = new byte[size];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
