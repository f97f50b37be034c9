package dev.switchboard.simulator;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Runs one or more simulated providers in one process:
 * {@code ProviderSimulator [--host 127.0.0.1] --instance v1=9101 --instance v2=9102}.
 */
public final class ProviderSimulator {

    private ProviderSimulator() {
    }

    public static void main(final String[] args) throws IOException, InterruptedException {
        String host = "127.0.0.1";
        final List<String[]> instances = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--host" -> host = value(args, ++i, "--host");
                case "--instance" -> {
                    final String[] parts = value(args, ++i, "--instance").split("=", 2);
                    if (parts.length != 2) {
                        throw usage("--instance takes NAME=PORT, got '" + args[i] + "'");
                    }
                    instances.add(parts);
                }
                default -> throw usage("unknown argument '" + args[i] + "'");
            }
        }
        if (instances.isEmpty()) {
            throw usage("name at least one --instance NAME=PORT");
        }
        final List<SimulatedProvider> providers = new ArrayList<>();
        for (final String[] instance : instances) {
            providers.add(SimulatedProvider.start(instance[0], host, Integer.parseInt(instance[1]), Knobs.defaults()));
        }
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            providers.forEach(SimulatedProvider::close);
            stopped.countDown();
        }));
        stopped.await();
    }

    private static String value(final String[] args, final int index, final String flag) {
        if (index >= args.length) {
            throw usage(flag + " needs a value");
        }
        return args[index];
    }

    private static IllegalArgumentException usage(final String problem) {
        return new IllegalArgumentException(problem
            + ". Usage: ProviderSimulator [--host 127.0.0.1] --instance NAME=PORT [--instance NAME=PORT ...]");
    }
}
