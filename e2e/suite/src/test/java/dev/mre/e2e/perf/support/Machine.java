package dev.mre.e2e.perf.support;

import dev.mre.e2e.harness.Cmd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What a figure was measured on: machine, load, versions, the operator's commit. */
public final class Machine {

    private Machine() {}

    public static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }

    /** 1-minute load average, NaN if unknown. */
    public static double load1() {
        try {
            return Double.parseDouble(loadAverage().split(" ")[0]);
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    public static Map<String, String> describe(Path repo) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("cpus", Integer.toString(Runtime.getRuntime().availableProcessors()));
        m.put("cpuModel", grep(Path.of("/proc/cpuinfo"), "^model name\\s*:\\s*(.+)$"));
        String memKb = grep(Path.of("/proc/meminfo"), "^MemTotal:\\s+(\\d+) kB");
        m.put("memory", memKb.equals("?") ? "?" : String.format("%.1f GiB", Long.parseLong(memKb) / 1048576.0));
        m.put("kernel", run(repo, "uname", "-r"));
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        String pom = read(repo.resolve("pom.xml"));
        for (String p : new String[] {"josdk.version", "fabric8.version", "aws.sdk.version"}) {
            m.put(p, tag(pom, p));
        }
        m.put(
                "kubernetes",
                run(repo, "bash", "e2e/testenv/testenv.sh", "versions").replace('\n', ' '));
        m.put(
                "kubectl",
                run(repo, "kubectl", "version", "--client", "-o", "json")
                        .replaceAll("(?s).*\"gitVersion\":\\s*\"([^\"]+)\".*", "$1"));
        String head = run(repo, "git", "rev-parse", "--short", "HEAD");
        String dirty = run(repo, "git", "status", "--porcelain", "--", "operator", "e2e/ses-emulator");
        m.put("commit", head + (dirty.isBlank() ? "" : " (+ uncommitted changes in operator/ or e2e/ses-emulator/)"));
        return m;
    }

    /**
     * The commit the benchmarked jars were built from: {@code commit.txt} next to the jar snapshot (written by perf.mk
     * when it copies the jars, so a commit made during a long run is not taken for the one measured), else the
     * repository's HEAD now; "+dirty" when operator/ or e2e/ses-emulator/ had uncommitted changes.
     */
    public static String operatorCommit(Path jarsDir, Path repo) {
        String snap = read(jarsDir.resolve("commit.txt")).strip();
        if (!snap.isEmpty()) {
            return snap;
        }
        String head = run(repo, "git", "rev-parse", "--short", "HEAD");
        String dirty = run(repo, "git", "status", "--porcelain", "--", "operator", "e2e/ses-emulator");
        return head + (dirty.isBlank() ? "" : "+dirty");
    }

    /** A jar's identity: first 12 hex digits of its SHA-256 and its modification time. */
    public static String jarIdentity(Path jar) {
        try (var in = Files.newInputStream(jar)) {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int r;
            while ((r = in.read(buf)) > 0) {
                md.update(buf, 0, r);
            }
            StringBuilder hex = new StringBuilder();
            for (byte b : md.digest()) {
                hex.append(String.format("%02x", b));
            }
            return "sha256 " + hex.substring(0, 12) + ", built "
                    + Files.getLastModifiedTime(jar).toInstant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        } catch (IOException | java.security.NoSuchAlgorithmException e) {
            return "?";
        }
    }

    /**
     * The jar to run: the system property when given, else a snapshot in {@code snapshotDir} when there is one (the
     * perf.mk targets copy the jars there first, so that a rebuild during a long run cannot mix two builds), else the
     * build output.
     */
    public static Path jar(String property, Path snapshot, Path buildOutput) {
        String p = System.getProperty(property);
        if (p != null && !p.isBlank()) {
            return Path.of(p);
        }
        return Files.isRegularFile(snapshot) ? snapshot : buildOutput;
    }

    private static String run(Path repo, String... cmd) {
        try {
            Cmd.Result r = Cmd.of(cmd).dir(repo).timeout(Duration.ofSeconds(30)).run();
            return r.ok() ? r.stdout().strip() : "?";
        } catch (RuntimeException e) {
            return "?";
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "";
        }
    }

    private static String tag(String xml, String name) {
        Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</").matcher(xml);
        return m.find() ? m.group(1) : "?";
    }

    private static String grep(Path file, String regex) {
        Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(read(file));
        return m.find() ? m.group(1).trim() : "?";
    }
}
