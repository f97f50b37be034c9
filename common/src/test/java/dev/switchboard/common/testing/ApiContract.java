package dev.switchboard.common.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A service's OpenAPI description held to what it serves: the committed copy must equal the generated one, and an
 * answer must match the schema its operation documents, with no field the schema does not name (a field renamed in
 * the code but not in the description fails). Nullability is not described (swagger-core does not read JSpecify's
 * type-use {@code @Nullable}), so a null passes for any field.
 */
public final class ApiContract {

    /** Set to {@code true} to rewrite the committed copies from what the services serve. */
    public static final String WRITE = "switchboard.openapi.write";

    private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    /** One documented operation: {@code GET /api/rollouts/{id}}. */
    public record Operation(String method, String path) implements Comparable<Operation> {
        @Override
        public int compareTo(final Operation other) {
            return (path + " " + method).compareTo(other.path + " " + other.method);
        }

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    private final ObjectNode served;
    private final ObjectNode strictComponents;

    private ApiContract(final ObjectNode served) {
        this.served = served;
        served.remove("servers"); // where it was served from: the test's random port
        this.strictComponents = (ObjectNode) strict(served.path("components").deepCopy());
    }

    public static ApiContract of(final String servedJson) {
        return new ApiContract((ObjectNode) JSON.readTree(servedJson));
    }

    public JsonNode document() {
        return served;
    }

    /** The committed copy of this module's description: {@code docs/openapi/{service}.json} in the checkout. */
    public static Path committed(final String service) {
        return Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent()
            .resolve("docs/openapi/" + service + ".json");
    }

    /** Fails unless {@code file} holds what is served; with {@code -Dswitchboard.openapi.write=true}, writes it. */
    public void assertCommittedAs(final Path file) {
        try {
            if (Boolean.getBoolean(WRITE)) {
                Files.createDirectories(file.getParent());
                Files.writeString(file, JSON.writeValueAsString(served) + "\n");
            }
            assertThat(Files.exists(file)).as(file + " is missing; write it with -D" + WRITE + "=true").isTrue();
            assertThat(JSON.readTree(Files.readString(file)))
                .as("the served description differs from " + file + ": if the API changed on purpose, rewrite the "
                    + "file with -D" + WRITE + "=true and commit it")
                .isEqualTo(served);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Set<Operation> operations() {
        final Set<Operation> operations = new TreeSet<>();
        served.path("paths").properties().forEach(path -> path.getValue().propertyNames()
            .forEach(method -> operations.add(new Operation(method.toUpperCase(Locale.ROOT), path.getKey()))));
        return operations;
    }

    /** The properties a component schema names, e.g. seed 000's {@code is_active} on {@code VersionSummary}. */
    public Set<String> fieldsOf(final String component) {
        final JsonNode schema = served.path("components").path("schemas").path(component);
        assertThat(schema.isMissingNode()).as("no component " + component).isFalse();
        return new TreeSet<>(schema.path("properties").propertyNames());
    }

    /** Fails unless {@code body} is what {@code operation} documents for {@code status}. */
    public void assertAnswer(final Operation operation, final int status, final String body) {
        final JsonNode responses = served.path("paths").path(operation.path())
            .path(operation.method().toLowerCase(Locale.ROOT)).path("responses");
        assertThat(responses.isMissingNode()).as(operation + " is not documented").isFalse();
        final JsonNode response = responses.path(Integer.toString(status));
        assertThat(response.isMissingNode()).as(operation + " documents no " + status + " answer, but gave one: "
            + body).isFalse();
        final JsonNode content = response.path("content");
        if (content.isEmpty()) {
            return;
        }
        final ObjectNode schema = (ObjectNode) strictProperty(content.properties().iterator().next().getValue()
            .path("schema").deepCopy());
        schema.set("components", strictComponents);
        final Schema validator = SCHEMAS.getSchema(JSON.writeValueAsString(schema), InputFormat.JSON);
        final List<Error> errors = validator.validate(body, InputFormat.JSON);
        assertThat(errors).as(operation + " answered " + status + " with " + body).isEmpty();
    }

    /** Objects that name their properties allow no others; every property may be null. */
    private static JsonNode strict(final JsonNode node) {
        if (node instanceof ObjectNode object) {
            if (object.has("properties") && !object.has("additionalProperties")) {
                object.put("additionalProperties", false);
            }
            final List<Map.Entry<String, JsonNode>> fields = new ArrayList<>(object.properties());
            for (final Map.Entry<String, JsonNode> field : fields) {
                strict(field.getValue());
            }
            if (object.get("properties") instanceof ObjectNode properties) {
                for (final String name : new ArrayList<>(properties.propertyNames())) {
                    properties.set(name, strictProperty(properties.get(name)));
                }
            }
        } else if (node instanceof ArrayNode array) {
            array.forEach(ApiContract::strict);
        }
        return node;
    }

    private static JsonNode strictProperty(final JsonNode property) {
        if (!(property instanceof ObjectNode schema) || schema.isEmpty()) {
            return property;
        }
        final ObjectNode nullable = JSON.createObjectNode();
        nullable.putArray("anyOf").add(strict(schema)).add(JSON.createObjectNode().put("type", "null"));
        return nullable;
    }
}
