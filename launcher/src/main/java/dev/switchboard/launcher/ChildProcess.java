package dev.switchboard.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One process the launcher started, with its output in a log file of its own. */
final class ChildProcess {

    private final String name;
    private final Process process;
    private final Path log;

    private ChildProcess(final String name, final Process process, final Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    static ChildProcess start(final String name, final List<String> command, final Map<String, String> env,
                              final Path log) throws IOException {
        Files.createDirectories(log.getParent());
        final ProcessBuilder builder = new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(env);
        return new ChildProcess(name, builder.start(), log);
    }

    /**
     * One of Switchboard's services from its executable jar, on this JVM's java, logging to {@code <name>.log}
     * among the launcher's logs. The local system is for trying Switchboard on one machine, where its services start
     * side by side on a few cores: they run on the JVM's quick compiler only, which had them ready in 32-37 s
     * rather than 49-58 s on two cores, at a peak speed a local demo does not need. A deployment (the compose file)
     * runs the JVM's defaults.
     */
    static ChildProcess service(final LauncherSettings settings, final String module, final String name,
                                final int port, final Map<String, String> env, final List<String> args)
        throws IOException {
        final List<String> command = new ArrayList<>(List.of(LocalKafka.javaCommand(), "-Xmx512m",
            "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", settings.jar(module).toString(),
            "--server.port=" + port));
        command.addAll(args);
        return start(name, command, env, settings.logs().resolve(name + ".log"));
    }

    /** Runs a command to completion; fails with the tail of its output when it does not succeed. */
    static void run(final String name, final List<String> command, final Path log) throws IOException,
        InterruptedException {
        final ChildProcess child = start(name, command, Map.of(), log);
        if (!child.process.waitFor(2, TimeUnit.MINUTES) || child.process.exitValue() != 0) {
            throw new IllegalStateException(name + " failed:\n" + child.tail(20));
        }
    }

    String name() {
        return name;
    }

    Path log() {
        return log;
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Asks the process to stop (SIGTERM, so it shuts down cleanly) and forces it after {@code seconds}. */
    void stop(final int seconds) {
        stopAll(List.of(this), seconds);
    }

    /**
     * Stops every one of {@code children} together: SIGTERM to each, then up to {@code seconds} in all for them to
     * exit, so their shutdowns overlap rather than queue; any still running then is killed.
     */
    static void stopAll(final List<ChildProcess> children, final int seconds) {
        children.stream().map(child -> child.process).filter(Process::isAlive).forEach(Process::destroy);
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        try {
            for (final ChildProcess child : children) {
                if (!child.process.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    child.process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            children.forEach(child -> child.process.destroyForcibly());
            Thread.currentThread().interrupt();
        }
    }

    /** Kills the process at once (SIGKILL, as {@code kill -9}): no shutdown hook runs, nothing is flushed. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    String tail(final int lines) {
        try {
            final List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }
}
