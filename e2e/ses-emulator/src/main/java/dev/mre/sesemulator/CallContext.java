package dev.mre.sesemulator;

import java.time.Instant;

/** One authenticated SES or STS call: who, which region, what, when. */
final class CallContext {

    private final Operation operation;
    private final Route route;
    private final IncomingRequest request;
    private final Credentials caller;
    private final String region;
    private final Instant now;

    CallContext(Route route, IncomingRequest request, Credentials caller, String region, Instant now) {
        this.operation = route.operation();
        this.route = route;
        this.request = request;
        this.caller = caller;
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

    Credentials caller() {
        return caller;
    }

    String region() {
        return region;
    }

    Instant now() {
        return now;
    }

    EndpointStore.Scope scope() {
        return new EndpointStore.Scope(caller.accountId(), region);
    }
}
