package dev.mre.operator.sendcheck;

import java.io.PrintStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.SesV2ClientBuilder;
import software.amazon.awssdk.services.sesv2.model.SendEmailRequest;
import software.amazon.awssdk.services.sesv2.model.SendEmailResponse;

/**
 * {@code send-check}: sends one message through a multi-region endpoint with the AWS SDK (SigV4a, signed by the SDK's
 * CRT-based signer) and prints what answered. By default the message goes to SES's mailbox simulator, which accepts
 * it without delivering anything and without touching the account's reputation.
 *
 * <p>Run as {@code java -jar ses-mre-operator-all.jar send-check ...} or, in the image, with container args
 * {@code ["send-check", ...]}. Flags win over environment variables; see {@link #USAGE}. Exit status: 0 sent,
 * 1 refused by SES or not reachable, 2 bad usage.
 */
public final class SendCheck {

    /** The simulator address that accepts a message ("success"). */
    public static final String DEFAULT_TO = "success@simulator.amazonses.com";

    /** Emulator-only answer header: the region that took the call (SES itself reports none). */
    static final String EMULATOR_REGION_HEADER = "X-Emulator-Region";

    static final String USAGE = """
            usage: send-check [flags]
              --endpoint-id ID           the endpoint's EndpointId (env SES_ENDPOINT_ID)
              --from ADDRESS             sender; its identity must be verified in both regions (env SES_FROM)
              --to ADDRESS               recipient (env SES_TO; default %s)
              --region REGION            client region: selects the partition only (env SES_PRIMARY_REGION, then
                                         AWS_REGION; default us-east-1)
              --regions PRIMARY,SECONDARY  the endpoint's regions, to tell from DNS which one answered (env
                                         SES_PRIMARY_REGION and SES_SECONDARY_REGION)
              --configuration-set NAME   a configuration set that must exist in both regions (env SES_CONFIGURATION_SET)
              --subject TEXT             (default "send-check")
              --endpoint-override URL    send here instead of <endpoint-id>.endpoints.email.amazonaws.com, e.g. the
                                         SES emulator (env SES_ENDPOINT_URL); still signed with SigV4a
              --help
            Credentials: the SDK's default chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, web identity, profile, ...).
            """.formatted(DEFAULT_TO);

    private SendCheck() {}

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.out, System.err, null));
    }

    /** What the flags and the environment asked for. */
    record Options(
            String endpointId,
            String from,
            String to,
            String region,
            String primaryRegion,
            String secondaryRegion,
            String configurationSet,
            String subject,
            URI endpointOverride) {}

    /**
     * @param credentials null = the SDK's default chain
     * @return the exit status
     */
    public static int run(
            String[] args,
            Map<String, String> env,
            PrintStream out,
            PrintStream err,
            AwsCredentialsProvider credentials) {
        Options options;
        try {
            options = parse(args, env);
        } catch (HelpRequested e) {
            out.print(USAGE);
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("send-check: " + e.getMessage());
            err.print(USAGE);
            return 2;
        }
        if (options.endpointOverride() != null
                && "http".equalsIgnoreCase(options.endpointOverride().getScheme())) {
            err.println(
                    "send-check: plain http to " + options.endpointOverride() + " (for an emulator, never for AWS)");
        }
        SesV2ClientBuilder builder = SesV2Client.builder()
                .region(Region.of(options.region()))
                .credentialsProvider(
                        credentials != null
                                ? credentials
                                : DefaultCredentialsProvider.builder().build())
                // the endpoint's routing weights live in DNS (TTL about 60 s): keep pooled connections no longer
                .httpClientBuilder(Apache5HttpClient.builder().connectionTimeToLive(Duration.ofSeconds(60)))
                // one message, not up to three: a retried SendEmail can be delivered twice
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()));
        if (options.endpointOverride() != null) {
            builder.endpointOverride(options.endpointOverride());
        }
        SendEmailRequest request = SendEmailRequest.builder()
                .endpointId(options.endpointId())
                .fromEmailAddress(options.from())
                .destination(d -> d.toAddresses(options.to()))
                .configurationSetName(options.configurationSet())
                .content(c -> c.simple(m -> m.subject(s -> s.data(options.subject()))
                        .body(b -> b.text(t -> t.data("Sent by ses-mre-operator send-check at " + Instant.now()
                                + " through multi-region endpoint " + options.endpointId() + ".")))))
                .build();
        String host = options.endpointOverride() != null
                ? options.endpointOverride().getHost()
                : options.endpointId() + ".endpoints.email." + dnsSuffix(options.region());
        out.println("sending through endpoint " + options.endpointId() + " (" + host + "), from " + options.from()
                + " to " + options.to());
        try (SesV2Client ses = builder.build()) {
            SendEmailResponse answer = ses.sendEmail(request);
            out.println("sent: MessageId " + answer.messageId() + ", request id "
                    + answer.responseMetadata().requestId());
            out.println("answered by region: " + answeringRegion(answer, options, host));
            return 0;
        } catch (AwsServiceException e) {
            String region = e.awsErrorDetails() == null
                    ? null
                    : e.awsErrorDetails()
                            .sdkHttpResponse()
                            .firstMatchingHeader(EMULATOR_REGION_HEADER)
                            .orElse(null);
            err.println("send-check: SES refused the message: "
                    + (e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode() + ": ")
                    + (e.awsErrorDetails() == null
                            ? e.getMessage()
                            : e.awsErrorDetails().errorMessage())
                    + " (HTTP " + e.statusCode() + (region == null ? "" : ", region " + region) + ")");
            return 1;
        } catch (SdkException e) {
            err.println("send-check: " + e.getMessage());
            return 1;
        }
    }

    /**
     * SES reports no region in its answer. The emulator does ({@value #EMULATOR_REGION_HEADER}); against AWS this
     * compares the addresses the endpoint's host resolves to with those of the two regional SES hosts (the endpoint's
     * DNS names the region it routes to), which tells only when the regions are given and the addresses differ.
     */
    static String answeringRegion(SendEmailResponse answer, Options options, String host) {
        var header = answer.sdkHttpResponse().firstMatchingHeader(EMULATOR_REGION_HEADER);
        if (header.isPresent()) {
            return header.get();
        }
        if (options.primaryRegion() == null || options.secondaryRegion() == null) {
            return "not reported by SES; give --regions PRIMARY,SECONDARY to infer it from DNS";
        }
        Set<String> endpoint = addresses(host);
        List<String> matches = new ArrayList<>();
        for (String region : List.of(options.primaryRegion(), options.secondaryRegion())) {
            Set<String> regional = addresses("email." + region + "." + dnsSuffix(region));
            regional.retainAll(endpoint);
            if (!regional.isEmpty()) {
                matches.add(region);
            }
        }
        return matches.size() == 1
                ? matches.get(0) + " (inferred from DNS: " + host + " resolves to addresses of email." + matches.get(0)
                        + "." + dnsSuffix(matches.get(0)) + ")"
                : "not reported by SES; DNS does not tell (" + host + " -> " + endpoint + ")";
    }

    private static Set<String> addresses(String host) {
        Set<String> out = new TreeSet<>();
        try {
            for (InetAddress a : InetAddress.getAllByName(host)) {
                out.add(a.getHostAddress());
            }
        } catch (UnknownHostException e) {
            // nothing resolved: nothing to compare
        }
        return out;
    }

    private static String dnsSuffix(String region) {
        return region.startsWith("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
    }

    static Options parse(String[] args, Map<String, String> env) {
        Map<String, String> flags = new LinkedHashMap<>();
        Set<String> known = Set.of(
                "--endpoint-id",
                "--from",
                "--to",
                "--region",
                "--regions",
                "--configuration-set",
                "--subject",
                "--endpoint-override");
        List<String> list = Arrays.asList(args);
        for (int i = 0; i < list.size(); i++) {
            String arg = list.get(i);
            if (arg.equals("--help") || arg.equals("-h")) {
                throw new HelpRequested();
            }
            String name = arg;
            String value;
            int eq = arg.indexOf('=');
            if (eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            } else {
                if (i + 1 >= list.size()) {
                    throw new IllegalArgumentException(arg + " needs a value");
                }
                value = list.get(++i);
            }
            if (!known.contains(name)) {
                throw new IllegalArgumentException("unknown flag " + name);
            }
            flags.put(name, value);
        }
        String endpointId = pick(flags.get("--endpoint-id"), env.get("SES_ENDPOINT_ID"), null);
        if (endpointId == null) {
            throw new IllegalArgumentException("--endpoint-id (or SES_ENDPOINT_ID) is required");
        }
        String from = pick(flags.get("--from"), env.get("SES_FROM"), null);
        if (from == null) {
            throw new IllegalArgumentException("--from (or SES_FROM) is required: an address of a verified identity");
        }
        String primary = env.get("SES_PRIMARY_REGION");
        String secondary = env.get("SES_SECONDARY_REGION");
        String regions = flags.get("--regions");
        if (regions != null) {
            String[] parts = regions.split(",");
            if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
                throw new IllegalArgumentException("--regions takes PRIMARY,SECONDARY, not " + regions);
            }
            primary = parts[0].trim();
            secondary = parts[1].trim();
        }
        String region =
                pick(flags.get("--region"), blankToNull(primary), pick(env.get("AWS_REGION"), null, "us-east-1"));
        String override = pick(flags.get("--endpoint-override"), env.get("SES_ENDPOINT_URL"), null);
        URI overrideUri = null;
        if (override != null) {
            try {
                overrideUri = URI.create(override);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--endpoint-override is not a URL: " + override);
            }
            if (overrideUri.getScheme() == null || overrideUri.getHost() == null) {
                throw new IllegalArgumentException(
                        "--endpoint-override needs scheme and host, e.g. http://127.0.0.1:4566");
            }
        }
        return new Options(
                endpointId,
                from,
                pick(flags.get("--to"), env.get("SES_TO"), DEFAULT_TO),
                region,
                blankToNull(primary),
                blankToNull(secondary),
                pick(flags.get("--configuration-set"), env.get("SES_CONFIGURATION_SET"), null),
                pick(flags.get("--subject"), null, "send-check"),
                overrideUri);
    }

    private static String pick(String flag, String env, String fallback) {
        if (flag != null && !flag.isBlank()) {
            return flag;
        }
        if (env != null && !env.isBlank()) {
            return env;
        }
        return fallback;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static final class HelpRequested extends RuntimeException {
        HelpRequested() {
            super(null, null, false, false);
        }
    }
}
