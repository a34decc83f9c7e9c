package dev.mre.sesemulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * An in-process stand-in for the SES v2 multi-region endpoint API and STS GetCallerIdentity/AssumeRole, speaking the
 * real wire protocols over HTTP on 127.0.0.1, so the real AWS SDK can be pointed at it with
 * {@code endpointOverride(emulator.endpoint())}.
 *
 * <pre>{@code
 * try (SesEmulator emu = SesEmulator.builder().port(0).clock(clock).build().start()) {
 *     emu.updateSettings(s -> s.withCreateDelay(Duration.ZERO));
 *     ... SesV2Client.builder().endpointOverride(emu.endpoint()) ...
 *     emu.endpoints(); emu.calls().count("CreateMultiRegionEndpoint");
 * }
 * }</pre>
 */
public final class SesEmulator implements AutoCloseable {

    private final String host;
    private final int requestedPort;
    private final int threads;
    private final Clock clock;
    private final LiveSettings settings;
    private final Map<String, Credentials> credentials = new ConcurrentHashMap<>();
    private final Credentials primaryCredentials;
    private final EndpointStore store = new EndpointStore();
    private final MailStore mail = new MailStore();
    private final SessionStore sessions = new SessionStore();
    private final CallStats calls = new CallStats();
    private final RateLimiter rateLimiter;

    private HttpServer server;
    private ExecutorService executor;
    private URI endpoint;

    private SesEmulator(Builder b) {
        this.host = b.host;
        this.requestedPort = b.port;
        this.threads = b.threads;
        this.clock = b.clock;
        this.settings = new LiveSettings(b.settings);
        List<Credentials> all = b.credentials.isEmpty() ? List.of(Credentials.defaults()) : b.credentials;
        all.forEach(c -> credentials.put(c.accessKeyId(), c));
        this.primaryCredentials = all.get(0);
        this.rateLimiter = new RateLimiter(settings, System::nanoTime);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * TCP_NODELAY on the JDK HTTP server's connections, unless the JVM was started with a choice of its own. Without
     * it every answer written in two parts (headers, then body) waits for the client's delayed ACK: about 40 ms per
     * request on Linux loopback, which made a request-bound test 50 times slower than its work. The JDK reads the
     * property once, when its server first loads, so it is set before the first server is made.
     */
    private static void noDelay() {
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    /** Binds and starts serving; answers {@code this} for chaining. */
    public synchronized SesEmulator start() {
        if (server != null) {
            throw new IllegalStateException("already started");
        }
        noDelay();
        try {
            server = HttpServer.create(new InetSocketAddress(host, requestedPort), 128);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind " + host + ":" + requestedPort, e);
        }
        executor = Executors.newFixedThreadPool(threads, daemonThreads());
        server.setExecutor(executor);
        Authorizer authorizer = new Authorizer(settings, store, mail);
        MailOperations mailOperations = new MailOperations(mail, store, settings, authorizer);
        server.createContext(
                "/",
                new RequestPipeline(
                        settings,
                        clock,
                        new SigV4Verifier(this::signingKey),
                        new SigV4aVerifier(this::signingKey),
                        mailOperations,
                        rateLimiter,
                        new FaultInjector(settings),
                        authorizer,
                        new SesOperations(store, settings, mailOperations),
                        new StsOperations(settings, sessions, authorizer),
                        calls,
                        new AdminApi(this)));
        server.start();
        endpoint =
                URI.create("http://" + hostForUri() + ":" + server.getAddress().getPort());
        return this;
    }

    /** Stops serving immediately; open connections are closed. Idempotent. */
    @Override
    public synchronized void close() {
        if (server == null) {
            return;
        }
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server = null;
    }

    /** {@code http://127.0.0.1:PORT}: give it to {@code endpointOverride}. */
    public synchronized URI endpoint() {
        if (endpoint == null) {
            throw new IllegalStateException("not started");
        }
        return endpoint;
    }

    public int port() {
        return endpoint().getPort();
    }

    /** The settings now (an immutable value: {@link #updateSettings} changes them). */
    public Settings settings() {
        return settings.get();
    }

    /**
     * Replaces the settings by a changed copy, e.g. {@code s -> s.withQuota(3).withRateLimit(2)}, for the next
     * request, serialized with admin-API updates; a value out of its bounds is refused (and nothing changes). A
     * changed {@code seed} restarts the fault and endpoint-id sequences.
     */
    public SesEmulator updateSettings(UnaryOperator<Settings> change) {
        settings.update(change, false);
        return this;
    }

    /** Restarts the fault and endpoint-id sequences from the seed, even an unchanged one: replays a fault pattern. */
    public SesEmulator restartRandom() {
        settings.update(s -> s, true);
        return this;
    }

    /** A partial update in the admin API's JSON; one that names {@code seed} always restarts the sequences. */
    Settings applySettings(JsonNode update) {
        return settings.update(s -> SettingsCodec.apply(s, update), update.has("seed"));
    }

    /** Every endpoint of every account and region, with the status as of now (ordered by account, region, name). */
    public List<EndpointView> endpoints() {
        return store.snapshot(clock.instant());
    }

    /** The endpoints whose primary region is {@code region}, of any account. */
    public List<EndpointView> endpoints(String region) {
        return endpoints().stream().filter(e -> e.region().equals(region)).toList();
    }

    /**
     * One endpoint of the primary account in {@code region}, as it is (also while {@link Settings#visibilityDelay()}
     * still hides it from Get and List).
     */
    public Optional<EndpointView> findEndpoint(String region, String endpointName) {
        return findEndpoint(primaryCredentials.accountId(), region, endpointName);
    }

    public Optional<EndpointView> findEndpoint(String accountId, String region, String endpointName) {
        return store.get(new EndpointStore.Scope(accountId, region), endpointName, clock.instant());
    }

    /** The ARN of an endpoint of the primary account (SES returns none; callers build it like this). */
    public String arn(String region, String endpointName) {
        return Arns.endpointArn(region, primaryCredentials.accountId(), endpointName);
    }

    /** The ARN of an endpoint of any account. */
    public static String arn(String accountId, String region, String endpointName) {
        return Arns.endpointArn(region, accountId, endpointName);
    }

    // ---- identities, sending, messages (DNS and delivery are not modeled)

    /** Every email identity of every account and region, as GetEmailIdentity would show it now. */
    public List<IdentityView> identities() {
        return mail.allIdentities();
    }

    public Optional<IdentityView> findIdentity(String accountId, String region, String identity) {
        return mail.identity(new EndpointStore.Scope(accountId, region), identity);
    }

    /** Marks an identity of the primary account verified (DKIM SUCCESS for a domain), as DNS would. */
    public IdentityView verifyIdentity(String region, String identity) {
        return identityStatus(primaryCredentials.accountId(), region, identity, "SUCCESS");
    }

    /**
     * Sets an identity's verification status: PENDING, SUCCESS, FAILED, TEMPORARY_FAILURE or NOT_STARTED. On a
     * replica this overrides following the parent's status.
     *
     * @throws IllegalArgumentException for an unknown identity or status
     */
    public IdentityView identityStatus(String accountId, String region, String identity, String status) {
        if (!MailOperations.STATUSES.contains(status)) {
            throw new IllegalArgumentException(
                    "status must be one of " + new java.util.TreeSet<>(MailOperations.STATUSES) + ", not " + status);
        }
        return mail.setStatus(new EndpointStore.Scope(accountId, region), identity, status);
    }

    /** What GetAccount answers and SendEmail obeys for an account in a region. */
    public AccountSending accountSending(String accountId, String region) {
        return mail.account(new EndpointStore.Scope(accountId, region));
    }

    public AccountSending updateAccountSending(
            String accountId, String region, java.util.function.UnaryOperator<AccountSending> change) {
        return mail.updateAccount(new EndpointStore.Scope(accountId, region), change);
    }

    /** Pauses (false) or resumes (true) sending for the primary account in a region. */
    public AccountSending sendingEnabled(String region, boolean enabled) {
        return updateAccountSending(primaryCredentials.accountId(), region, a -> a.withSendingEnabled(enabled));
    }

    /** Marks a region out of service (false) for multi-region endpoints: they route around it. */
    public SesEmulator regionAvailable(String region, boolean available) {
        mail.setRegionAvailable(region, available);
        return this;
    }

    public java.util.Set<String> unavailableRegions() {
        return mail.unavailableRegions();
    }

    /** Messages SendEmail accepted, oldest first (the last 10 000). */
    public List<SentMessage> messages() {
        return mail.messages();
    }

    MailStore mailStore() {
        return mail;
    }

    /** Every AssumeRole session not yet forgotten (an expired one is kept an hour), oldest first; no secrets. */
    public List<SessionView> sessions() {
        return sessions.all().stream().map(s -> s.view("aws")).toList();
    }

    /**
     * Ends every session now (real clock): the next call signed with one answers ExpiredTokenException (SES) /
     * ExpiredToken (STS). Answers how many sessions were still valid.
     */
    public int expireSessions() {
        return sessions.expireAll(java.time.Instant.now());
    }

    /** Forgets every AssumeRole session: their keys answer as unknown keys from now on ({@link #reset()} keeps them). */
    public void forgetSessions() {
        sessions.clear();
    }

    public CallStats calls() {
        return calls;
    }

    /**
     * Forgets all endpoints, counters, the call log and the rate-limit buckets; settings and STS sessions stay
     * (a client holding session credentials keeps working across a reset; {@link #forgetSessions()} drops them).
     */
    public void reset() {
        store.clear();
        mail.clear();
        calls.clear();
        rateLimiter.clear();
    }

    /** Puts every setting back to what it was when the emulator was built. */
    public void resetSettings() {
        settings.reset();
    }

    /** The first configured credentials (the defaults unless the builder set others). */
    public Credentials primaryCredentials() {
        return primaryCredentials;
    }

    public String accessKeyId() {
        return primaryCredentials.accessKeyId();
    }

    public String secretAccessKey() {
        return primaryCredentials.secretAccessKey();
    }

    public String accountId() {
        return primaryCredentials.accountId();
    }

    /** Every accepted access key. */
    public List<Credentials> credentials() {
        return List.copyOf(credentials.values());
    }

    /** Accepts one more access key from now on (a key id already known is replaced). */
    public SesEmulator addCredentials(Credentials more) {
        credentials.put(more.accessKeyId(), more);
        return this;
    }

    public Clock clock() {
        return clock;
    }

    /** The secret, principal and (for a session) token and expiry of an access key id, or null when unknown. */
    private SigV4Verifier.SigningKey signingKey(String accessKeyId) {
        Credentials user = credentials.get(accessKeyId);
        if (user != null) {
            return new SigV4Verifier.SigningKey(user.secretAccessKey(), Principal.user(user), null, null);
        }
        SessionStore.Session session = sessions.find(accessKeyId);
        return session == null
                ? null
                : new SigV4Verifier.SigningKey(
                        session.secretAccessKey(),
                        Principal.session(session),
                        session.sessionToken(),
                        session.expiration());
    }

    private String hostForUri() {
        return host.contains(":") ? "[" + host + "]" : host;
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "ses-emulator-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Configuration before start; every option has a default that works for a test. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port = 0;
        private int threads = 32;
        private Clock clock = Clock.systemUTC();
        private Settings settings = Settings.DEFAULTS;
        private final List<Credentials> credentials = new ArrayList<>();

        private Builder() {}

        /** Interface to bind (default 127.0.0.1). */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host);
            return this;
        }

        /** Port to bind; 0 (default) picks a free one, see {@link SesEmulator#endpoint()}. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Request-handling threads (default 32: injected latency keeps threads busy). */
        public Builder threads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be >= 1");
            }
            this.threads = threads;
            return this;
        }

        /**
         * Drives endpoint lifecycles and timestamps (default: system UTC); a {@link MutableClock} lets a test
         * step through CREATING -> READY without sleeping. Signature times are always checked against the
         * real system clock, because SDKs sign with the real time.
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        /** Adds accepted credentials; the first added becomes the primary ones and replaces the defaults. */
        public Builder credentials(String accessKeyId, String secretAccessKey, String accountId) {
            return credentials(new Credentials(accessKeyId, secretAccessKey, accountId));
        }

        public Builder credentials(Credentials c) {
            credentials.add(Objects.requireNonNull(c));
            return this;
        }

        /** Initial settings, e.g. {@code s -> s.withCreateDelay(Duration.ZERO).withSeed(42L)}. */
        public Builder settings(UnaryOperator<Settings> initial) {
            settings = initial.apply(settings);
            return this;
        }

        public SesEmulator build() {
            return new SesEmulator(this);
        }
    }
}
