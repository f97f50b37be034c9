package dev.switchboard.common.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ArbitrarySupplier;
import net.jqwik.api.Combinators;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the services' fuzz tests send: path segments, query values and bodies that no endpoint may take, or that
 * are merely odd. Every service's endpoints get the same hostile inputs (jqwik shrinks a failing one to its
 * simplest form): {@code @ForAll @From(supplier = FuzzedInputs.PathSegments.class) String segment}, and the bodies
 * with a service's own field names from {@link #bodies}.
 */
public final class FuzzedInputs {

    /** {@link #pathSegments()}, for {@code @From(supplier = ...)}. */
    public static final class PathSegments implements ArbitrarySupplier<String> {

        @Override
        public Arbitrary<String> get() {
            return pathSegments();
        }
    }

    /** {@link #queryValues()}, for {@code @From(supplier = ...)}. */
    public static final class QueryValues implements ArbitrarySupplier<String> {

        @Override
        public Arbitrary<String> get() {
            return queryValues();
        }
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** A body cut short at any point is still refused plainly. */
    private static final String TRUNCATED = "{\"version\": \"v2\", \"weight\": 30, \"strategy\": \"weight\"}";

    private FuzzedInputs() {
    }

    /** How many inputs each endpoint received, and how many it answered with a 5xx: what a fuzz test reports. */
    public static final class Tally {

        private final Map<String, AtomicInteger> inputs = new ConcurrentHashMap<>();
        private final Map<String, AtomicInteger> fiveHundreds = new ConcurrentHashMap<>();

        /** Counts one input to {@code endpoint} and the status it was answered with. */
        public void answered(final String endpoint, final int status) {
            inputs.computeIfAbsent(endpoint, e -> new AtomicInteger()).incrementAndGet();
            if (status >= 500) {
                fiveHundreds.computeIfAbsent(endpoint, e -> new AtomicInteger()).incrementAndGet();
            }
        }

        /** Prints the inputs per endpoint and the 5xx, then asserts there were none and every endpoint was fuzzed. */
        public void reportAndCheck(final Collection<String> endpoints) {
            final Map<String, Integer> counts = new TreeMap<>();
            inputs.forEach((endpoint, count) -> counts.put(endpoint, count.get()));
            System.out.println("Fuzzed inputs per endpoint (" + counts.size() + " endpoints, "
                + counts.values().stream().mapToInt(Integer::intValue).sum() + " inputs): " + counts);
            System.out.println("5xx answers: " + fiveHundreds);
            assertThat(fiveHundreds).as("endpoints that answered a fuzzed input with a 5xx").isEmpty();
            assertThat(counts.keySet()).as("every endpoint fuzzed").containsAll(endpoints);
        }
    }

    /** What a path variable is given: hostile, odd or merely unknown, always URL-encoded where it must be. */
    public static Arbitrary<String> pathSegments() {
        return Arbitraries.oneOf(
            Arbitraries.of("..", "%2F", "..%2F..%2Fetc%2Fpasswd", "%2e%2e", "%00", "%25", "a%2Fb", "~", "-", "_"),
            Arbitraries.strings().ofMinLength(1).ofMaxLength(300).map(FuzzedInputs::encoded),
            Arbitraries.strings().withCharRange('\u0100', '\uffef').ofMinLength(1).ofMaxLength(40)
                .map(FuzzedInputs::encoded),
            Arbitraries.strings().alpha().ofLength(1000));
    }

    public static Arbitrary<String> queryValues() {
        return Arbitraries.oneOf(
            Arbitraries.of("ten", "-1", "0", "99999999999999999999999", "1e400", "NaN", "%00", "true", ""),
            Arbitraries.strings().ofMaxLength(60).map(FuzzedInputs::encoded));
    }

    /**
     * Bodies that no endpoint may take: broken, truncated, of the wrong kinds, too big or too deep.
     *
     * @param fields the service's own field names, each given values of the wrong kind
     * @param extras bodies particular to the service
     */
    public static Arbitrary<String> bodies(final List<String> fields, final String... extras) {
        final Arbitrary<String> wrongKinds = Combinators.combine(Arbitraries.of(fields), wrongValues())
            .as((field, value) -> "{\"" + field + "\": " + value + "}");
        return Arbitraries.oneOf(
            wrongKinds,
            wrongKinds.map(json -> json.substring(0, json.length() - 1)),
            Arbitraries.integers().between(1, TRUNCATED.length() - 1).map(cut -> TRUNCATED.substring(0, cut)),
            Arbitraries.strings().ofMaxLength(500),
            Arbitraries.of("", "null", "[]", "\"text\"", "42", "{", "}", "{\"a\":}", "{\"weight\": 1e400}",
                "{\"weight\": -99999999999999999999999999}"),
            extras.length == 0 ? Arbitraries.just("{}") : Arbitraries.of(extras),
            Arbitraries.integers().between(1_000, 20_000).map(depth -> "{\"a\": " + "[".repeat(depth)
                + "]".repeat(depth) + "}"),
            Arbitraries.integers().between(1, 3).map(megabytes -> "{\"description\": \""
                + "x".repeat(megabytes * 1_100_000) + "\"}"));
    }

    /** Values that are wrong wherever they stand: every text holds a '/' or a control character. */
    private static Arbitrary<String> wrongValues() {
        return Arbitraries.oneOf(
            Arbitraries.of("1e400", "-1e400", "99999999999999999999999999999", "-1", "true", "[]", "{}",
                "[[[[[[]]]]]]", "{\"nested\": {\"deeper\": [1, \"two\", null]}}", "NaN"),
            Arbitraries.strings().withCharRange('\u0000', '\u001f').ofMinLength(1).ofMaxLength(20)
                .map(JSON::writeValueAsString),
            Arbitraries.strings().withCharRange('\u0100', '\uffef').ofMaxLength(200)
                .map(text -> JSON.writeValueAsString(text + "/" + text)));
    }

    public static String encoded(final String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    /** A long input shortened for a failure message. */
    public static String abbreviated(final String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "... (" + text.length() + " chars)";
    }
}
