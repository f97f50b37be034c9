package dev.switchboard.common.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/** Local ports nothing listens on right now, for a test that must know a port before its server starts. */
public final class FreePorts {

    private FreePorts() {
    }

    public static int any() {
        return distinct(1).getFirst();
    }

    /**
     * {@code count} different free ports. The sockets stay open until all are chosen: a port closed at once
     * may be handed out again by the next call, and two servers told the same port make one of them fail.
     */
    public static List<Integer> distinct(final int count) {
        final List<ServerSocket> held = new ArrayList<>(count);
        try {
            for (int i = 0; i < count; i++) {
                held.add(new ServerSocket(0));
            }
            return held.stream().map(ServerSocket::getLocalPort).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("no " + count + " free local ports", e);
        } finally {
            held.forEach(FreePorts::closeQuietly);
        }
    }

    private static void closeQuietly(final ServerSocket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // A socket that will not close still held its port while the others were chosen.
        }
    }
}
