package dev.switchboard.routing.admin;

import dev.switchboard.events.RegisteredModel;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** Seed 002's model registry API (behind the admin token). */
@RestController
@RequestMapping("/api/models")
class ModelRegistryController {

    private final ModelRegistry registry;
    private final ObjectMapper json;

    ModelRegistryController(final ModelRegistry registry, final ObjectMapper json) {
        this.registry = registry;
        this.json = json;
    }

    @PostMapping("/register")
    ResponseEntity<Map<String, Object>> register(@RequestBody(required = false) final JsonNode body,
                                                 @RequestHeader(value = ProviderAdminController.ACTOR_HEADER,
                                                     defaultValue = "admin") final String actor) {
        return ResponseEntity.status(HttpStatus.CREATED).body(Map.of("data", view(registry.register(actor, body))));
    }

    /** Filters: {@code algorithm} (seed 002's {@code ?algorithm=DDQN}), {@code stage}, {@code tag}. */
    @GetMapping
    Map<String, Object> list(@RequestParam(required = false) final String algorithm,
                             @RequestParam(required = false) final String stage,
                             @RequestParam(required = false) final String tag) {
        return Map.of("data", registry.list(Optional.ofNullable(algorithm), Optional.ofNullable(stage),
            Optional.ofNullable(tag)).stream().map(this::view).toList());
    }

    @GetMapping("/{id}")
    Map<String, Object> get(@PathVariable final String id) {
        return Map.of("data", view(registry.get(id)));
    }

    @PostMapping("/{id}/promote")
    Map<String, Object> promote(@PathVariable final String id, @RequestBody(required = false) final JsonNode body,
                                @RequestHeader(value = ProviderAdminController.ACTOR_HEADER, defaultValue = "admin")
                                final String actor) {
        return Map.of("data", view(registry.promote(actor, id, body)));
    }

    private Map<String, Object> view(final RegisteredModel model) {
        final Map<String, Object> view = new LinkedHashMap<>();
        view.put("model_id", model.getModelId());
        view.put("algorithm_name", model.getAlgorithmName());
        view.put("provider", model.getCategory() + "/" + model.getProvider());
        view.put("version", model.getVersion());
        view.put("model_path", model.getModelPath());
        view.put("training_params", json.readTree(model.getTrainingParams()));
        view.put("performance_metrics", model.getPerformanceMetrics());
        view.put("description", model.getDescription());
        view.put("created_by", model.getCreatedBy());
        view.put("created_at", model.getCreatedAt().toString());
        view.put("stage", ModelRegistry.stage(model.getStage()));
        view.put("stage_changed_at", model.getStageChangedAt().toString());
        view.put("tags", registry.tags(model));
        return view;
    }
}
