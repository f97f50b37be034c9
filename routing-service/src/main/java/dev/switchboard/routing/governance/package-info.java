/**
 * Change governance, plain Java: which changes to a provider its change policy sends to an approver
 * ({@link dev.switchboard.routing.governance.ChangePolicy}, {@link dev.switchboard.routing.governance.GuardedChange}),
 * when a proposal may be approved ({@link dev.switchboard.routing.governance.ApprovalCheck}), and how version names
 * sort ({@link dev.switchboard.routing.governance.VersionOrder}). The admin API applies them; nothing here knows HTTP or
 * Kafka.
 */
package dev.switchboard.routing.governance;
