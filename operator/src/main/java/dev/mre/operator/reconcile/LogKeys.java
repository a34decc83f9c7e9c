package dev.mre.operator.reconcile;

import dev.mre.operator.api.MultiRegionEndpoint;
import org.slf4j.MDC;

/** Structured logging keys for everything logged while reconciling one object. */
final class LogKeys implements AutoCloseable {
    static final String NAMESPACE = "mre.namespace";
    static final String NAME = "mre.name";

    static LogKeys put(MultiRegionEndpoint mre) {
        MDC.put(NAMESPACE, mre.getMetadata().getNamespace());
        MDC.put(NAME, mre.getMetadata().getName());
        return new LogKeys();
    }

    @Override
    public void close() {
        MDC.remove(NAMESPACE);
        MDC.remove(NAME);
    }
}
