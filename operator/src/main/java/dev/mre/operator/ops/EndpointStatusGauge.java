package dev.mre.operator.ops;

import dev.mre.operator.api.MultiRegionEndpointStatus;
import dev.mre.operator.reconcile.EndpointStatusListener;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Managed endpoints by last observed SES status: one gauge per status, fed by the reconciler. */
public final class EndpointStatusGauge implements EndpointStatusListener {

    static final String NAME = "ses_mre_endpoints";
    private static final List<String> STATUSES = List.of("CREATING", "READY", "FAILED", "DELETING", "NONE");
    private final Map<String, String> statusByObject = new ConcurrentHashMap<>();

    public EndpointStatusGauge(MeterRegistry registry) {
        for (String status : STATUSES) {
            Gauge.builder(
                            NAME,
                            statusByObject,
                            m -> m.values().stream().filter(status::equals).count())
                    .description("MultiRegionEndpoint objects by the SES status last observed")
                    .tag("status", status)
                    .register(registry);
        }
    }

    /** An endpoint status of null means no endpoint (yet); a released object is {@link #forget}-ed. */
    @Override
    public void observed(String uid, MultiRegionEndpointStatus status) {
        String endpointStatus = status.getEndpointStatus();
        statusByObject.put(uid, endpointStatus == null || !STATUSES.contains(endpointStatus) ? "NONE" : endpointStatus);
    }

    @Override
    public void forget(String uid) {
        statusByObject.remove(uid);
    }
}
