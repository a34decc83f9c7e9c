package dev.mre.operator.reconcile;

import dev.mre.operator.api.MultiRegionEndpoint;
import dev.mre.operator.api.RoleSelector;
import io.fabric8.kubernetes.api.model.Namespace;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What besides the object itself reconciles it: its namespace (its UID is part of the ownership tag, its labels
 * select a RoleSelector), the RoleSelectors (a change reconciles every object: selectors change rarely, and which
 * objects an edit moves out of its selection is not known from the new selector alone), and the shared List of SES
 * endpoints (the endpoint event source, made by the wiring).
 */
final class EventSources {

    private EventSources() {}

    static InformerEventSource<Namespace, MultiRegionEndpoint> namespaces(EventSourceContext<MultiRegionEndpoint> ctx) {
        return new InformerEventSource<>(
                InformerEventSourceConfiguration.from(Namespace.class, MultiRegionEndpoint.class)
                        .withWatchAllNamespaces()
                        .withSecondaryToPrimaryMapper((Namespace ns) -> ctx.getPrimaryCache()
                                .list(ns.getMetadata().getName())
                                .map(ResourceID::fromResource)
                                .collect(Collectors.toSet()))
                        .withPrimaryToSecondaryMapper((MultiRegionEndpoint mre) ->
                                Set.of(new ResourceID(mre.getMetadata().getNamespace())))
                        .build(),
                ctx);
    }

    static InformerEventSource<RoleSelector, MultiRegionEndpoint> roleSelectors(
            EventSourceContext<MultiRegionEndpoint> ctx) {
        return new InformerEventSource<>(
                InformerEventSourceConfiguration.from(RoleSelector.class, MultiRegionEndpoint.class)
                        .withWatchAllNamespaces()
                        .withSecondaryToPrimaryMapper((RoleSelector rs) -> ctx.getPrimaryCache()
                                .list()
                                .map(ResourceID::fromResource)
                                .collect(Collectors.toSet()))
                        .withPrimaryToSecondaryMapper((MultiRegionEndpoint mre) -> Set.of())
                        .build(),
                ctx);
    }
}
