package dev.switchboard.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;

/**
 * The schema versions that have been released, kept under {@code released/{Event}/v{N}.avsc} on the classpath.
 * A version, once released, is never edited: a change to an event adds the next version, and
 * {@code SchemaCompatibilityTest} proves the current schema can read every earlier one.
 */
public final class ReleasedSchemas {

    private static final String ROOT = "/dev/switchboard/schemas/released/";

    private ReleasedSchemas() {
    }

    /** Every released version of an event, oldest first. */
    public static List<Schema> of(final String event) {
        final List<Schema> versions = new ArrayList<>();
        for (int version = 1; ; version++) {
            final String path = ROOT + event + "/v" + version + ".avsc";
            try (InputStream in = ReleasedSchemas.class.getResourceAsStream(path)) {
                if (in == null) {
                    return List.copyOf(versions);
                }
                versions.add(new Schema.Parser().parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read released schema " + path, e);
            }
        }
    }
}
