package dev.switchboard.routing.proxy;

import dev.switchboard.routing.table.Provider;
import dev.switchboard.routing.table.VersionConfig;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The logical providers as OpenAI's models ({@code GET /v1/models}): each provider is one model a client names in
 * {@code "model"}, its id {@code category/name}; when it was first configured is its {@code created}.
 */
final class ModelList {

    static final String OWNER = "switchboard";

    private ModelList() {
    }

    static Map<String, Object> of(final Collection<Provider> providers) {
        final Map<String, Object> list = new LinkedHashMap<>();
        list.put("object", "list");
        list.put("data", providers.stream().sorted(Comparator.comparing(Provider::id)).map(ModelList::model).toList());
        return list;
    }

    static Map<String, Object> model(final Provider provider) {
        final Map<String, Object> model = new LinkedHashMap<>();
        model.put("id", provider.id());
        model.put("object", "model");
        model.put("created", provider.versions().stream().map(VersionConfig::createdAt).min(Comparator.naturalOrder())
            .orElse(Instant.EPOCH).getEpochSecond());
        model.put("owned_by", OWNER);
        return model;
    }
}
