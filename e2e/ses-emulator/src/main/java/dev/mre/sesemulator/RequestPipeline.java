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
 * Every request passes here, in this order: admin paths aside; route; latency; SigV4 authentication (session token
 * and expiry of temporary credentials included); the account+region token bucket (SES only); injected faults;
 * IAM ({@code denyActions}, then the caller's identity-based policy); the operation; maybe a lost answer.
 * Each call ends in exactly one {@link CallRecord} and one log line.
 */
final class RequestPipeline implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(RequestPipeline.class);
    private static final Pattern ACCESS_KEY = Pattern.compile("Credential=([^/,\\s]+)/");

    private final LiveSettings settings;
    private final Clock clock;
    private final SigV4Verifier verifier;
    private final SigV4aVerifier sigV4aVerifier;
    private final MailOperations mail;
    private final RateLimiter rateLimiter;
    private final FaultInjector faults;
    private final Authorizer authorizer;
    private final SesOperations sesOperations;
    private final StsOperations stsOperations;
    private final CallStats calls;
    private final AdminApi admin;

    RequestPipeline(
            LiveSettings settings,
            Clock clock,
            SigV4Verifier verifier,
            SigV4aVerifier sigV4aVerifier,
            MailOperations mail,
            RateLimiter rateLimiter,
            FaultInjector faults,
            Authorizer authorizer,
            SesOperations sesOperations,
            StsOperations stsOperations,
            CallStats calls,
            AdminApi admin) {
        this.settings = settings;
        this.clock = clock;
        this.verifier = verifier;
        this.sigV4aVerifier = sigV4aVerifier;
        this.mail = mail;
        this.rateLimiter = rateLimiter;
        this.faults = faults;
        this.authorizer = authorizer;
        this.sesOperations = sesOperations;
        this.stsOperations = stsOperations;
        this.calls = calls;
        this.admin = admin;
    }

    /** What is known of a call so far, for its record and log line. */
    private static final class Trace {
        final Operation op;
        final String endpointName;
        final String accessKeyId;
        String roleArn;
        String region;
        String accountId;
        String principalArn;

        Trace(Operation op, String endpointName, String accessKeyId, String roleArn) {
            this.op = op;
            this.endpointName = endpointName;
            this.accessKeyId = accessKeyId;
            this.roleArn = roleArn;
        }
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
            LOG.error(
                    "request failed inside the emulator: {} {}",
                    exchange.getRequestMethod(),
                    exchange.getRequestURI(),
                    e);
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
        Trace trace = new Trace(
                op,
                SesOperations.targetName(route, request),
                accessKeyOf(request),
                op == Operation.ASSUME_ROLE ? Route.stsParameter(request, "RoleArn") : null);
        boolean sts = route.service() == Operation.Service.STS;
        try {
            if (op == Operation.UNKNOWN) {
                throw sts
                        ? new ApiException(
                                400,
                                "InvalidAction",
                                "Could not find operation " + Route.stsParameter(request, "Action")
                                        + " for version 2011-06-15")
                        : SesErrors.unknownOperation(request.method(), request.rawPath());
            }
            sleep(faults.latencyFor(op));

            SigV4Verifier.Caller caller;
            try {
                if (SigV4aVerifier.applies(request)) {
                    // SigV4a names no region: the call is answered in the region the multi-region endpoint routes to
                    SigV4aVerifier.Caller a = sigV4aVerifier.verify(
                            request,
                            route.service().signingName(),
                            Instant.now(),
                            settings.get().clockSkew());
                    trace.accountId = a.principal().accountId();
                    caller = new SigV4Verifier.Caller(
                            a.principal(), mail.routeSigV4a(route, request, a, clock.instant()));
                } else {
                    caller = verifier.verify(
                            request,
                            route.service().signingName(),
                            Instant.now(),
                            settings.get().clockSkew());
                    MailOperations.refuseEndpointIdUnderSigV4(route, request);
                }
            } catch (AuthFailure.Failed f) {
                throw f.failure().toApiException(route.service(), f.getMessage());
            }
            Principal principal = caller.principal();
            trace.region = caller.region();
            trace.accountId = principal.accountId();
            trace.principalArn = principal.arn(Regions.partition(caller.region()));
            if (op != Operation.ASSUME_ROLE && principal.isSession()) {
                trace.roleArn = principal.roleArn();
            }
            CallContext ctx = new CallContext(route, request, principal, caller.region(), clock.instant());

            if (!sts && !rateLimiter.tryAcquire(ctx.scope())) {
                throw SesErrors.tooManyRequests();
            }
            switch (faults.before(op)) {
                case DROP_CONNECTION -> {
                    finish(trace, request, "ConnectionDropped", 0, requestId, started);
                    HttpResponses.dropConnection(exchange);
                    return;
                }
                case THROTTLE -> throw SesErrors.tooManyRequests();
                case ERROR_500 -> throw SesErrors.internalError("Internal service error (injected by the emulator).");
                case NONE -> {}
            }

            byte[] body;
            String contentType;
            if (sts) {
                // STS checks its callers' policies inside the operation: AssumeRole also consults the role's trust rule
                body = stsOperations.handle(ctx, requestId).getBytes(StandardCharsets.UTF_8);
                contentType = HttpResponses.XML;
            } else {
                authorizer.authorizeSes(ctx);
                ObjectNode answer = sesOperations.handle(ctx);
                body = Json.bytes(answer);
                contentType = HttpResponses.JSON;
            }
            if (faults.dropResponse(op)) {
                finish(trace, request, "ResponseDropped", 0, requestId, started);
                HttpResponses.dropConnection(exchange);
                return;
            }
            // recorded before answering: once a client has its answer, counters and log already show the call
            finish(trace, request, "200", 200, requestId, started);
            answeredIn(exchange, trace);
            HttpResponses.send(exchange, 200, contentType, body, requestId, null);
        } catch (ApiException error) {
            ApiException answer = sts ? StsProtocol.translateFault(error) : error;
            finish(trace, request, answer.code(), answer.status(), requestId, started);
            answeredIn(exchange, trace);
            if (sts) {
                HttpResponses.stsError(exchange, answer, requestId);
            } else {
                HttpResponses.sesError(exchange, answer, requestId);
            }
        }
    }

    private void finish(Trace t, IncomingRequest request, String outcome, int status, String requestId, long started) {
        calls.record(new CallRecord(
                clock.instant(),
                t.op.wireName(),
                t.region,
                t.accountId,
                t.endpointName,
                t.accessKeyId,
                outcome,
                status,
                requestId,
                t.principalArn,
                t.roleArn));
        if (LOG.isInfoEnabled()) {
            LOG.info(
                    "{} {} {} region={} account={} principal={} endpoint={} role={} key={} -> {} ({} ms)",
                    request.method(),
                    request.rawPath(),
                    t.op.wireName(),
                    t.region,
                    t.accountId,
                    t.principalArn,
                    t.endpointName,
                    t.roleArn,
                    t.accessKeyId,
                    outcome,
                    (System.nanoTime() - started) / 1_000_000);
        }
    }

    /**
     * Emulator-only header on every answer of an authenticated call: the region that answered (for SendEmail through
     * an endpoint, the region it routed to). SES reports no such thing; send-check and tests read it.
     */
    private static void answeredIn(HttpExchange exchange, Trace trace) {
        if (trace.region != null) {
            exchange.getResponseHeaders().set("X-Emulator-Region", trace.region);
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

    /** Injected latency: the emulator's request thread waits, as a slow service would. */
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
