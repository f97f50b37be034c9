package dev.switchboard.stats.query;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;

/**
 * Answers a query about one key from the instance that holds it: this one's stores when it does, else the owner's
 * answer, relayed. Either way the answer says which instance gave it.
 */
@Component
class KeyedAnswers {

    private final KeyOwners owners;
    private final RemoteStats remote;

    KeyedAnswers(final KeyOwners owners, final RemoteStats remote) {
        this.owners = owners;
        this.remote = remote;
    }

    /** The query was checked before, so a bad one is refused without asking anyone. */
    ResponseEntity<?> fromOwner(final String store, final String key, final HttpServletRequest request,
                                final Supplier<Map<String, Object>> local) {
        return switch (owners.of(store, key)) {
            case KeyOwners.Owner.Here here -> ResponseEntity.ok()
                .header(RemoteStats.ANSWERED_BY_HEADER, owners.self().host() + ":" + owners.self().port())
                .body(local.get());
            case KeyOwners.Owner.There there -> remote.ask(there.host(), request);
        };
    }
}
