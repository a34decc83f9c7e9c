package dev.mre.sesemulator;

import java.time.Instant;

/** One authenticated SES or STS call: who, which region, what, when. */
final class CallContext {

    private final Operation operation;
    private final Route route;
    private final IncomingRequest request;
    private final Principal principal;
    private final String region;
    private final Instant now;

    CallContext(Route route, IncomingRequest request, Principal principal, String region, Instant now) {
        this.operation = route.operation();
        this.route = route;
        this.request = request;
        this.principal = principal;
        this.region = region;
        this.now = now;
    }

    Operation operation() {
        return operation;
    }

    Route route() {
        return route;
    }

    IncomingRequest request() {
        return request;
    }

    /** The user or role session that signed the call. */
    Principal principal() {
        return principal;
    }

    /** The account the call acts in: the user's, or the assumed role's. */
    String accountId() {
        return principal.accountId();
    }

    String region() {
        return region;
    }

    String partition() {
        return Regions.partition(region);
    }

    /** Time on the injected clock (endpoint lifecycles), not the real one. */
    Instant now() {
        return now;
    }

    EndpointStore.Scope scope() {
        return new EndpointStore.Scope(principal.accountId(), region);
    }
}
