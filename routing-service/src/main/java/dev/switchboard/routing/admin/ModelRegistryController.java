package dev.switchboard.routing.admin;

import dev.switchboard.common.security.Operator;
import dev.switchboard.events.RegisteredModel;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.ObjectMapper;

/** Seed 002's model registry API (behind the admin token). */
@RestController
@RequestMapping("/api/models")
class ModelRegistryController {

    private static final TypeReference<Map<String, Object>> PARAMS = new TypeReference<>() { };

    private final ModelRegistry registry;
    private final ObjectMapper json;

    ModelRegistryController(final ModelRegistry registry, final ObjectMapper json) {
        this.registry = registry;
        this.json = json;
    }

    @PostMapping("/register")
    @ResponseStatus(HttpStatus.CREATED)
    AdminAnswer<ModelView> register(@RequestBody(required = false) final ModelCommands.@Nullable
                                                    ModelRegistration body,
                                                    final Operator operator) {
        return new AdminAnswer<>(view(registry.register(operator.name(), body)));
    }

    /**
     * Filters: {@code algorithm} (seed 002's {@code ?algorithm=DDQN}), {@code stage}, {@code tag};
     * {@code archived=true} includes the entries seed 002's retention archived.
     */
    @GetMapping
    AdminAnswer<List<ModelView>> list(@RequestParam(required = false) final @Nullable String algorithm,
                                      @RequestParam(required = false) final @Nullable String stage,
                                      @RequestParam(required = false) final @Nullable String tag,
                                      @RequestParam(defaultValue = "false") final boolean archived) {
        return new AdminAnswer<>(registry.list(Optional.ofNullable(algorithm), Optional.ofNullable(stage),
            Optional.ofNullable(tag), archived).stream().map(this::view).toList());
    }

    /** Replaces the entry's own labels: {@code {"tags": ["stable"]}} keeps it from being archived for its age. */
    @PutMapping("/{id}/tags")
    AdminAnswer<ModelView> tags(@PathVariable final String id,
                                @RequestBody(required = false) final ModelCommands.@Nullable Tags body,
                                final Operator operator) {
        return new AdminAnswer<>(view(registry.tag(operator.name(), id, body)));
    }

    @GetMapping("/{id}")
    AdminAnswer<ModelView> get(@PathVariable final String id) {
        return new AdminAnswer<>(view(registry.get(id)));
    }

    @ApiResponse(responseCode = "200", description = "OK")
    @ApiResponse(responseCode = "202", description = ProposalAnswer.DESCRIPTION,
        content = @Content(schema = @Schema(implementation = ProposalAnswer.class)))
    @PostMapping("/{id}/promote")
    AdminAnswer<ModelView> promote(@PathVariable final String id,
                                   @RequestBody(required = false) final ModelCommands.@Nullable StageChange body,
                                   final Operator operator) {
        return new AdminAnswer<>(view(registry.promote(Authority.of(operator), id, body)));
    }

    /** The training parameters are kept as the JSON they were given as, and answered as that JSON again. */
    private ModelView view(final RegisteredModel model) {
        return ModelView.of(model, json.readValue(model.getTrainingParams(), PARAMS), registry.tags(model));
    }
}
