package dev.switchboard.routing.governance;

import java.util.Comparator;
import java.util.regex.Pattern;
import org.apache.maven.artifact.versioning.ComparableVersion;

/**
 * A model's own version name as seed 002 writes it: semantic ({@code 1.2.3}, {@code v2.0.0-rc.1}) or a timestamp
 * ({@code 20261206}, {@code 20261206-1130}, {@code 2026-12-06T11.30}), ordered naturally: {@code 1.10.0} after
 * {@code 1.9.0}, a release candidate before its release, one day's timestamp before the next's.
 */
public final class VersionName {

    private static final Pattern SEMVER = Pattern.compile(
        "v?(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(-[0-9A-Za-z.-]+)?(\\+[0-9A-Za-z.-]+)?");
    private static final Pattern TIMESTAMP = Pattern.compile(
        "(\\d{4}-?\\d{2}-?\\d{2})([-T_.]?\\d{2}[.:]?\\d{2}([.:]?\\d{2})?Z?)?");

    /** Natural order ({@link ComparableVersion}: numbers as numbers, pre-releases before releases). */
    public static final Comparator<String> NATURAL_ORDER = Comparator.comparing(
        (String name) -> new ComparableVersion(name.startsWith("v") ? name.substring(1) : name));

    private VersionName() {
    }

    /** @throws IllegalArgumentException saying which forms a version name may take */
    public static String check(final String name) {
        if (!SEMVER.matcher(name).matches() && !TIMESTAMP.matcher(name).matches()) {
            throw new IllegalArgumentException("'" + name + "' is neither a semantic version ({major}.{minor}."
                + "{patch}, e.g. 1.2.0 or v2.0.0-rc.1) nor a timestamp (e.g. 20261206, 20261206-1130, "
                + "2026-12-06T11.30)");
        }
        return name;
    }
}
