package dev.mre.sesemulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every request passes here, in this order: admin paths aside; route; latency; SigV4 authentication;
 * the account+region token bucket (SES only); injected faults; IAM denial; the operation; maybe a lost
 * answer. Each call ends in exactly one {@link CallRecord} and one log line.
 */
final class RequestPipeline implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(RequestPipeline.class);
    private static final Pattern ACCESS_KEY = Pattern.compile("Credential=([^/,\\s]+)/");

    private final Settings settings;
    private final Clock clock;
    private final SigV4Verifier verifier;
    private final RateLimiter rateLimiter;
    private final FaultInjector faults;
    private final SesOperations operations;
    private final CallStats calls;
    private final AdminApi admin;

    RequestPipeline(Settings settings, Clock clock, SigV4Verifier verifier, RateLimiter rateLimiter, FaultInjector faults,
            SesOperations operations, CallStats calls, AdminApi admin) {
        this.settings = settings;
        this.clock = clock;
        this.verifier = verifier;
        this.rateLimiter = rateLimiter;
        this.faults = faults;
        this.operations = operations;
        this.calls = calls;
        this.admin = admin;
    }

    @Override
    public void handle(HttpExchange exchange) {
        try {
            IncomingRequest request = IncomingRequest.read(exchange);
            if (request.rawPath().startsWith(AdminApi.PREFIX)) {
                admin.handle(exchange, request);
            } else {
                handleApiCall(exchange, request);
            }
        } catch (Exception e) {
            LOG.error("request failed inside the emulator: {} {}", exchange.getRequestMethod(), exchange.getRequestURI(), e);
            try {
                HttpResponses.sesError(exchange, SesErrors.internalError("emulator bug: " + e), null);
            } catch (IOException | RuntimeException ignored) {
                // headers may already be sent; closing below is all that is left
            }
        } finally {
            exchange.close();
        }
    }

    private void handleApiCall(HttpExchange exchange, IncomingRequest request) throws IOException {
        long started = System.nanoTime();
        String requestId = UUID.randomUUID().toString();
        Route route = Route.of(request);
        Operation op = route.operation();
        String endpointName = SesOperations.targetName(route, request);
        String accessKeyId = accessKeyOf(request);
        String region = null;
        String accountId = null;
        try {
            if (op == Operation.UNKNOWN) {
                throw route.service() == Operation.Service.STS
                        ? new ApiException(400, "InvalidAction", "Could not find operation " + Route.stsParameter(request, "Action") + " for version 2011-06-15")
                        : SesErrors.unknownOperation(request.method(), request.rawPath());
            }
            sleep(faults.latencyFor(op));

            SigV4Verifier.Caller caller;
            try {
                caller = verifier.verify(request, route.service().signingName(), Instant.now(), settings.clockSkew());
            } catch (AuthFailure.Failed f) {
                throw f.failure().toApiException(route.service(), f.getMessage());
            }
            region = caller.region();
            accountId = caller.credentials().accountId();
            CallContext ctx = new CallContext(route, request, caller.credentials(), region, clock.instant());

            if (route.service() == Operation.Service.SES && !rateLimiter.tryAcquire(ctx.scope())) {
                throw SesErrors.tooManyRequests();
            }
            switch (faults.before(op)) {
                case DROP_CONNECTION -> {
                    finish(op, request, region, accountId, endpointName, accessKeyId, "ConnectionDropped", 0, requestId, started);
                    HttpResponses.dropConnection(exchange);
                    return;
                }
                case THROTTLE -> throw SesErrors.tooManyRequests();
                case ERROR_500 -> throw SesErrors.internalError("Internal service error (injected by the emulator).");
                case NONE -> { }
            }
            if (settings.denyActions().contains(op)) {
                throw accessDenied(ctx, endpointName);
            }

            byte[] body;
            String contentType;
            if (route.service() == Operation.Service.STS) {
                body = StsProtocol.getCallerIdentity(caller.credentials(), region, requestId).getBytes(StandardCharsets.UTF_8);
                contentType = HttpResponses.XML;
            } else {
                ObjectNode answer = operations.handle(ctx);
                body = Json.bytes(answer);
                contentType = HttpResponses.JSON;
            }
            if (faults.dropResponse(op)) {
                finish(op, request, region, accountId, endpointName, accessKeyId, "ResponseDropped", 0, requestId, started);
                HttpResponses.dropConnection(exchange);
                return;
            }
            // recorded before answering: once a client has its answer, counters and log already show the call
            finish(op, request, region, accountId, endpointName, accessKeyId, "200", 200, requestId, started);
            HttpResponses.send(exchange, 200, contentType, body, requestId, null);
        } catch (ApiException error) {
            boolean sts = route.service() == Operation.Service.STS;
            ApiException answer = sts ? StsProtocol.translateFault(error) : error;
            finish(op, request, region, accountId, endpointName, accessKeyId, answer.code(), answer.status(), requestId, started);
            if (sts) {
                HttpResponses.stsError(exchange, answer, requestId);
            } else {
                HttpResponses.sesError(exchange, answer, requestId);
            }
        }
    }

    /** The message IAM gives, naming user, action and resource, so a test can assert what was refused. */
    private static ApiException accessDenied(CallContext ctx, String endpointName) {
        String action = "ses:" + ctx.operation().wireName();
        String resource = endpointName != null
                ? Arns.endpointArn(ctx.region(), ctx.caller().accountId(), endpointName)
                : "arn:" + Regions.partition(ctx.region()) + ":ses:" + ctx.region() + ":" + ctx.caller().accountId() + ":*";
        return SesErrors.accessDenied("User: " + ctx.caller().userArn(Regions.partition(ctx.region())) + " is not authorized to perform: "
                + action + " on resource: " + resource + " because no identity-based policy allows the " + action + " action");
    }

    private void finish(Operation op, IncomingRequest request, String region, String accountId, String endpointName,
            String accessKeyId, String outcome, int status, String requestId, long started) {
        calls.record(new CallRecord(clock.instant(), op.wireName(), region, accountId, endpointName, accessKeyId, outcome, status, requestId));
        if (LOG.isInfoEnabled()) {
            LOG.info("{} {} {} region={} endpoint={} key={} -> {} ({} ms)", request.method(), request.rawPath(), op.wireName(),
                    region, endpointName, accessKeyId, outcome, (System.nanoTime() - started) / 1_000_000);
        }
    }

    /** For logs and records only: the key id as the client claims it, before any verification. */
    private static String accessKeyOf(IncomingRequest request) {
        String authorization = request.header("authorization");
        if (authorization == null) {
            return null;
        }
        Matcher m = ACCESS_KEY.matcher(authorization);
        return m.find() ? m.group(1) : null;
    }

    private static void sleep(Duration delay) {
        if (delay.isZero()) {
            return;
        }
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
