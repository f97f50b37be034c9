package dev.switchboard.routing.admin;

import dev.switchboard.common.security.Operator;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Alerting (behind the admin token): the rules stats-streams evaluates, the channels told, the alerts now. */
@RestController
@RequestMapping("/api/alerts")
class AlertAdminController {

    private final AlertAdmin alerts;

    AlertAdminController(final AlertAdmin alerts) {
        this.alerts = alerts;
    }

    /** Each rule's latest transition per version; {@code ?state=firing} for what fires now. */
    @GetMapping
    AdminAnswer<List<AlertViews.AlertView>> alerts(@RequestParam(required = false) final @Nullable String state) {
        return new AdminAnswer<>(alerts.alerts(Optional.ofNullable(state)));
    }

    @GetMapping("/rules")
    AdminAnswer<List<AlertViews.RuleView>> rules() {
        return new AdminAnswer<>(alerts.rules());
    }

    @GetMapping("/rules/{id}")
    AdminAnswer<AlertViews.RuleView> rule(@PathVariable final String id) {
        return new AdminAnswer<>(alerts.rule(id));
    }

    @PostMapping("/rules")
    @ResponseStatus(HttpStatus.CREATED)
    AdminAnswer<AlertViews.RuleView> createRule(
        @RequestBody(required = false) final AlertCommands.@Nullable RuleCommand body,
        final Operator operator) {
        return new AdminAnswer<>(alerts.putRule(operator.name(), null, body));
    }

    @PutMapping("/rules/{id}")
    AdminAnswer<AlertViews.RuleView> changeRule(
        @PathVariable final String id, @RequestBody(required = false) final AlertCommands.@Nullable RuleCommand body,
        final Operator operator) {
        return new AdminAnswer<>(alerts.putRule(operator.name(), id, body));
    }

    @DeleteMapping("/rules/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void deleteRule(@PathVariable final String id, final Operator operator) {
        alerts.deleteRule(operator.name(), id);
    }

    @GetMapping("/channels")
    AdminAnswer<List<AlertViews.ChannelView>> channels() {
        return new AdminAnswer<>(alerts.channels());
    }

    @GetMapping("/channels/{id}")
    AdminAnswer<AlertViews.ChannelView> channel(@PathVariable final String id) {
        return new AdminAnswer<>(alerts.channel(id));
    }

    @PostMapping("/channels")
    @ResponseStatus(HttpStatus.CREATED)
    AdminAnswer<AlertViews.ChannelView> createChannel(
        @RequestBody(required = false) final AlertCommands.@Nullable ChannelCommand body,
        final Operator operator) {
        return new AdminAnswer<>(alerts.putChannel(operator.name(), null, body));
    }

    @PutMapping("/channels/{id}")
    AdminAnswer<AlertViews.ChannelView> changeChannel(
        @PathVariable final String id,
        @RequestBody(required = false) final AlertCommands.@Nullable ChannelCommand body,
        final Operator operator) {
        return new AdminAnswer<>(alerts.putChannel(operator.name(), id, body));
    }

    @DeleteMapping("/channels/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void deleteChannel(@PathVariable final String id, final Operator operator) {
        alerts.deleteChannel(operator.name(), id);
    }
}
