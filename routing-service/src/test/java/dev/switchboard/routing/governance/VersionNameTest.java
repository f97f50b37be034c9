package dev.switchboard.routing.governance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class VersionNameTest {

    @Test
    void shouldSortSemanticVersionsNaturallyWithPreReleasesBeforeTheirRelease() {
        final List<String> names = new ArrayList<>(List.of("1.10.0", "v1.2.0", "1.9.3", "2.0.0", "2.0.0-rc.1",
            "1.2.0-beta"));
        names.sort(VersionName.NATURAL_ORDER);
        assertThat(names).containsExactly("1.2.0-beta", "v1.2.0", "1.9.3", "1.10.0", "2.0.0-rc.1", "2.0.0");
    }

    @Test
    void shouldSortTimestampsByTime() {
        final List<String> names = new ArrayList<>(List.of("20261206-1130", "20261205", "20261206-0905",
            "20261206"));
        names.sort(VersionName.NATURAL_ORDER);
        assertThat(names).containsExactly("20261205", "20261206", "20261206-0905", "20261206-1130");
    }

    @Test
    void shouldAcceptSemverAndTimestampsAndSayWhatElseIsWrong() {
        assertThat(List.of("1.2.3", "v0.1.0", "2.0.0-rc.1+build.7", "20261206", "20261206-1130",
            "2026-12-06T11.30", "2026-12-06")).allSatisfy(VersionName::check);
        assertThatThrownBy(() -> VersionName.check("latest")).hasMessageContaining("'latest' is neither a semantic "
            + "version").hasMessageContaining("20261206-1130");
        assertThatThrownBy(() -> VersionName.check("1.2")).hasMessageContaining("{major}.{minor}.{patch}");
    }
}
