package dev.mre.sesemulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar ses-emulator-all.jar --port 4566 [settings flags]}: runs until SIGTERM / Ctrl-C.
 * Every setting of {@link Settings} is a flag, the kebab-case of its JSON name ({@code --error-rate-500 0.1}).
 */
public final class Main {

    /** What the command line asked for. */
    record Options(
            String host, int port, int threads, List<Credentials> credentials, ObjectNode settings, boolean help) {}

    private Main() {}

    public static void main(String[] args) throws InterruptedException {
        // our own logging setup for the standalone jar, unless the user brings one: one INFO line per request
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "dev/mre/sesemulator/logback-standalone.xml");
        }
        Options options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println("try --help");
            System.exit(2);
            return;
        }
        if (options.help()) {
            printHelp(System.out);
            return;
        }
        SesEmulator emulator;
        try {
            emulator = build(options).start();
        } catch (RuntimeException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            emulator.close();
                            stopped.countDown();
                        },
                        "ses-emulator-shutdown"));
        // scripts wait for exactly this line
        System.out.println("SES emulator listening on " + emulator.endpoint());
        System.out.println("access key " + emulator.accessKeyId() + ", account " + emulator.accountId());
        System.out.flush();
        stopped.await();
    }

    static SesEmulator build(Options options) {
        SesEmulator.Builder builder =
                SesEmulator.builder().host(options.host()).port(options.port()).threads(options.threads());
        options.credentials().forEach(builder::credentials);
        SesEmulator emulator = builder.build();
        emulator.applySettings(options.settings());
        return emulator;
    }

    static Options parse(String[] args) {
        String host = "127.0.0.1";
        int port = 4566;
        int threads = 32;
        String accessKey = null;
        String secretKey = null;
        String accountId = null;
        String userName = null;
        List<Credentials> extra = new ArrayList<>();
        ObjectNode settings = Json.object();
        boolean help = false;

        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                help = true;
                continue;
            }
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "'");
            }
            String flag = arg.substring(2);
            String value;
            int eq = flag.indexOf('=');
            if (eq >= 0) {
                value = flag.substring(eq + 1);
                flag = flag.substring(0, eq);
            } else {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("--" + flag + " needs a value");
                }
                value = args[++i];
            }
            switch (flag) {
                case "host" -> host = value;
                case "port" -> port = integer(flag, value);
                case "threads" -> threads = integer(flag, value);
                case "access-key" -> accessKey = value;
                case "secret-key" -> secretKey = value;
                case "account-id" -> accountId = value;
                case "credentials" -> {
                    String[] parts = value.split(":", 4);
                    if (parts.length < 3) {
                        throw new IllegalArgumentException(
                                "--credentials wants ACCESS_KEY:SECRET:ACCOUNT_ID[:USER_NAME]");
                    }
                    extra.add(
                            parts.length == 4
                                    ? new Credentials(parts[0], parts[1], parts[2], parts[3])
                                    : new Credentials(parts[0], parts[1], parts[2]));
                }
                case "user-name" -> userName = value;
                default -> {
                    String mapKey = SettingsCodec.mapKeyForEntryFlag(flag);
                    if (mapKey != null) {
                        mapEntry(settings, mapKey, flag, value);
                        continue;
                    }
                    String key = SettingsCodec.keyForFlag(flag);
                    if (key == null) {
                        throw new IllegalArgumentException("unknown flag --" + flag);
                    }
                    settings.put(key, value);
                }
            }
        }
        List<Credentials> credentials = new ArrayList<>();
        credentials.add(new Credentials(
                accessKey == null ? Credentials.DEFAULT_ACCESS_KEY_ID : accessKey,
                secretKey == null ? Credentials.DEFAULT_SECRET_ACCESS_KEY : secretKey,
                accountId == null ? Credentials.DEFAULT_ACCOUNT_ID : accountId,
                userName == null ? Credentials.DEFAULT_USER_NAME : userName));
        credentials.addAll(extra);
        // settings are checked now, so a typo fails at start-up rather than on the first request
        SettingsCodec.apply(Settings.DEFAULTS, settings);
        return new Options(host, port, threads, credentials, settings, help);
    }

    /**
     * {@code --policy ARN=@file.json}, {@code --role ARN={...}}, {@code --account ID={...}}: one entry of a map setting;
     * the value is JSON, or {@code @path} of a file holding it. Repeatable; entries add up.
     */
    private static void mapEntry(ObjectNode settings, String mapKey, String flag, String value) {
        int eq = value.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException(
                    "--" + flag
                            + " wants KEY=JSON or KEY=@FILE, e.g. --policy arn:aws:iam::123456789012:user/emulator=@policy.json");
        }
        String key = value.substring(0, eq).trim();
        String text = value.substring(eq + 1).trim();
        if (text.startsWith("@")) {
            try {
                text = Files.readString(Path.of(text.substring(1)));
            } catch (IOException e) {
                throw new IllegalArgumentException(
                        "--" + flag + " " + key + ": cannot read " + text.substring(1) + ": " + e.getMessage());
            }
        }
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException("--" + flag + " " + key + ": not valid JSON: " + e.getMessage());
        }
        ObjectNode entries =
                settings.get(mapKey) instanceof ObjectNode existing ? existing : settings.putObject(mapKey);
        entries.set(key, json);
    }

    static void printHelp(PrintStream out) {
        out.println(
                "SES v2 multi-region endpoint, identity and sending (SigV4a) + STS GetCallerIdentity/AssumeRole emulator");
        out.println("usage: java -jar ses-emulator-all.jar [options]");
        out.println();
        out.println("server:");
        out.println(String.format("  --%-44s %s", "host HOST", "interface to bind (default 127.0.0.1)"));
        out.println(String.format("  --%-44s %s", "port PORT", "port to bind, 0 = any free port (default 4566)"));
        out.println(String.format("  --%-44s %s", "threads N", "request threads (default 32)"));
        out.println(String.format(
                "  --%-44s %s",
                "access-key ID", "accepted access key id (default " + Credentials.DEFAULT_ACCESS_KEY_ID + ")"));
        out.println(String.format(
                "  --%-44s %s",
                "secret-key SECRET", "its secret (default " + Credentials.DEFAULT_SECRET_ACCESS_KEY + ")"));
        out.println(String.format(
                "  --%-44s %s",
                "account-id ID", "its 12-digit account (default " + Credentials.DEFAULT_ACCOUNT_ID + ")"));
        out.println(String.format(
                "  --%-44s %s",
                "user-name NAME", "IAM user name of that key (default " + Credentials.DEFAULT_USER_NAME + ")"));
        out.println(String.format(
                "  --%-44s %s",
                "credentials KEY:SECRET:ACCOUNT[:USER]", "one more accepted key of an IAM user (repeatable)"));
        out.println();
        out.println(
                "settings (also live via POST /_emulator/settings with the camelCase name; durations like 250ms, 2s, 15m):");
        SettingsCodec.helpLines().forEach(out::println);
        out.println();
        out.println("admin API: GET /_emulator/health | /state | /calls[?log=true] | /settings,"
                + " POST /_emulator/settings | /reset[?settings=true][&sessions=true] | /expire-sessions");
    }

    private static int integer(String flag, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + flag + " wants an integer: " + value);
        }
    }
}
