package dev.switchboard.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LauncherSettingsTest {

    @TempDir
    Path home;

    @Test
    void shouldRunTheRolloutDemoOncePerDataDirectoryByDefault() throws Exception {
        final LauncherSettings settings = LauncherSettings.fromEnvironment(Map.of(), home);

        assertThat(settings.rolloutDemo()).isEqualTo(LauncherSettings.RolloutDemoRuns.ONCE);
        assertThat(settings.rolloutDemoMarker().getParent()).isEqualTo(settings.dataDir());
        assertThat(Files.exists(settings.rolloutDemoMarker())).isFalse();
    }

    @Test
    void shouldTakeTheRolloutDemoSettingAndRefuseAnUnknownOneSayingWhatItTakes() throws Exception {
        assertThat(LauncherSettings.fromEnvironment(Map.of("SWITCHBOARD_ROLLOUT_DEMO", "Always"), home).rolloutDemo())
            .isEqualTo(LauncherSettings.RolloutDemoRuns.ALWAYS);
        assertThatThrownBy(() -> LauncherSettings.fromEnvironment(Map.of("SWITCHBOARD_ROLLOUT_DEMO", "twice"), home))
            .hasMessageContaining("once, always or never").hasMessageContaining("twice");
    }
}
