package dev.switchboard.routing.admin;

/**
 * An arm to add to a running adaptive experiment: its name ({@code model_d}) and what serves it (a registered model
 * or a version of the experiment's provider).
 */
record ArmCommand(String arm, String version) {

    ArmCommand {
        arm = Checks.name(Checks.text(arm, "arm"), "arm", 100);
        version = Checks.text(version, "version");
    }
}
