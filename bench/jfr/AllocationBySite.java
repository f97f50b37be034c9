import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a JFR recording's bytes were allocated, by thread, class, first frame outside the JDK (alone and with its two
 * callers) and every frame of the stack. Reads the TLAB events ({@code jdk.ObjectAllocationInNewTLAB}, weighted by
 * the TLAB it opened, and {@code jdk.ObjectAllocationOutsideTLAB}, by its own size), so record with fixed TLABs: a
 * request repeated against resizing TLABs opens them at the same few places and aliases. Usage, with a JDK >= 21:
 * <pre>
 *   ROUTER_JVM_OPTS="-XX:-ResizeTLAB -XX:TLABSize=60000 -XX:StartFlightRecording:filename=alloc.jfr,delay=70s,duration=45s,jdk.ObjectAllocationInNewTLAB#enabled=true,jdk.ObjectAllocationOutsideTLAB#enabled=true" \
 *     BENCH_PARTS=latency bench/router/run.sh 20 1
 *   java bench/jfr/AllocationBySite.java alloc.jfr
 * </pre>
 */
public final class AllocationBySite {

    private AllocationBySite() {
    }

    public static void main(final String[] args) throws Exception {
        final Map<String, Long> threads = new HashMap<>();
        final Map<String, Long> classes = new HashMap<>();
        final Map<String, Long> sites = new HashMap<>();
        final Map<String, Long> sitesWithCallers = new HashMap<>();
        final Map<String, Long> inclusive = new HashMap<>();
        long total = 0;
        try (RecordingFile recording = new RecordingFile(Path.of(args[0]))) {
            while (recording.hasMoreEvents()) {
                final RecordedEvent event = recording.readEvent();
                final long bytes = switch (event.getEventType().getName()) {
                    case "jdk.ObjectAllocationInNewTLAB" -> event.getLong("tlabSize");
                    case "jdk.ObjectAllocationOutsideTLAB" -> event.getLong("allocationSize");
                    default -> 0;
                };
                if (bytes == 0) {
                    continue;
                }
                total += bytes;
                final String thread = event.getThread() == null ? "?" : event.getThread().getJavaName();
                threads.merge(String.valueOf(thread).replaceAll("\\d+", "N"), bytes, Long::sum);
                classes.merge(event.getClass("objectClass").getName(), bytes, Long::sum);
                final RecordedStackTrace stack = event.getStackTrace();
                if (stack != null) {
                    count(stack.getFrames(), bytes, sites, sitesWithCallers, inclusive);
                }
            }
        }
        print("threads", threads, total, 10);
        print("classes", classes, total, 25);
        print("first frame outside the JDK", sites, total, 45);
        print("first frame outside the JDK, with two callers", sitesWithCallers, total, 40);
        print("every frame of the stack", inclusive, total, 90);
    }

    private static void count(final List<RecordedFrame> frames, final long bytes, final Map<String, Long> sites,
                              final Map<String, Long> sitesWithCallers, final Map<String, Long> inclusive) {
        for (int i = 0; i < frames.size(); i++) {
            final String type = frames.get(i).getMethod().getType().getName();
            if (!type.startsWith("java.") && !type.startsWith("jdk.") && !type.startsWith("sun.")) {
                sites.merge(name(frames.get(i)), bytes, Long::sum);
                sitesWithCallers.merge(name(frames.get(i)) + " <- " + nameAt(frames, i + 1) + " <- "
                    + nameAt(frames, i + 2), bytes, Long::sum);
                break;
            }
        }
        final Set<String> seen = new HashSet<>();
        for (final RecordedFrame frame : frames) {
            if (seen.add(name(frame))) {
                inclusive.merge(name(frame), bytes, Long::sum);
            }
        }
    }

    private static String nameAt(final List<RecordedFrame> frames, final int index) {
        return index < frames.size() ? name(frames.get(index)) : "";
    }

    private static String name(final RecordedFrame frame) {
        final String type = frame.getMethod().getType().getName();
        return type.substring(type.lastIndexOf('.') + 1) + "." + frame.getMethod().getName();
    }

    private static void print(final String title, final Map<String, Long> bytes, final long total, final int rows) {
        System.out.printf("--- %s (%,d MB in all)%n", title, total / 1_000_000);
        bytes.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(rows)
            .forEach(e -> System.out.printf("%5.1f%% %s%n", 100.0 * e.getValue() / total, e.getKey()));
    }
}
