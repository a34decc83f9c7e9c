package dev.mre.e2e.gitops.support;

import dev.mre.e2e.harness.Cmd;
import dev.mre.e2e.harness.Progress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The Git repository ArgoCD syncs from: a bare repository on this machine (its {@code file://} URL is what the
 * Applications name; ArgoCD's repo server clones it with the git CLI, as ArgoCD's own e2e tests do) and a working
 * clone the tests edit, commit in and push from, as a user would. Every change is a real commit.
 */
public final class GitRepo {

    private static final String BRANCH = "main";

    private final Path bare;
    private final Path work;

    private GitRepo(Path bare, Path work) {
        this.bare = bare;
        this.work = work;
    }

    /** A new bare repository under {@code dir} (emptied first) with a working clone, and nothing committed yet. */
    public static GitRepo create(Path dir) throws IOException {
        deleteTree(dir);
        Files.createDirectories(dir);
        Path bare = dir.resolve("repo.git");
        Path work = dir.resolve("work");
        git(dir, "init", "--bare", "--initial-branch=" + BRANCH, bare.toString());
        git(dir, "init", "--initial-branch=" + BRANCH, work.toString());
        git(work, "remote", "add", "origin", bare.toString());
        return new GitRepo(bare, work);
    }

    /** What an Application's {@code spec.source.repoURL} names. */
    public String url() {
        return "file://" + bare;
    }

    public String branch() {
        return BRANCH;
    }

    public Path workTree() {
        return work;
    }

    /** Copies a folder of the project (e.g. {@code examples}) to the same path in the working tree. */
    public GitRepo copyFrom(Path projectRoot, String relativeDir) throws IOException {
        Path from = projectRoot.resolve(relativeDir);
        Path to = work.resolve(relativeDir);
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        return this;
    }

    public GitRepo write(String relativePath, String content) throws IOException {
        Path f = work.resolve(relativePath);
        Files.createDirectories(f.getParent());
        Files.writeString(f, content);
        return this;
    }

    public String read(String relativePath) throws IOException {
        return Files.readString(work.resolve(relativePath));
    }

    public GitRepo delete(String relativePath) throws IOException {
        Files.delete(work.resolve(relativePath));
        return this;
    }

    /** {@code git add -A && git commit && git push}; returns the new commit's SHA. */
    public String commitAndPush(String message) {
        git(work, "add", "-A");
        git(
                work,
                "-c",
                "user.name=gitops-e2e",
                "-c",
                "user.email=gitops-e2e@ses-mre.invalid",
                "commit",
                "-q",
                "-m",
                message);
        git(work, "push", "-q", "origin", BRANCH);
        String sha = head();
        Progress.log("  git: pushed %s \"%s\"", sha.substring(0, 12), message);
        return sha;
    }

    /** {@code git revert --no-edit HEAD && git push}; returns the new commit's SHA. */
    public String revertHeadAndPush() {
        git(
                work,
                "-c",
                "user.name=gitops-e2e",
                "-c",
                "user.email=gitops-e2e@ses-mre.invalid",
                "revert",
                "--no-edit",
                "HEAD");
        git(work, "push", "-q", "origin", BRANCH);
        String sha = head();
        Progress.log("  git: pushed revert %s", sha.substring(0, 12));
        return sha;
    }

    public String head() {
        return git(work, "rev-parse", "HEAD").stdout().trim();
    }

    private static Cmd.Result git(Path dir, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("git");
        cmd.addAll(List.of(args));
        // no global or system git configuration of the machine may change what the test does
        Cmd.Result r = Cmd.of(cmd)
                .dir(dir)
                .env("GIT_CONFIG_NOSYSTEM", "1")
                .env("GIT_CONFIG_GLOBAL", "/dev/null")
                .env("GIT_TERMINAL_PROMPT", "0")
                .timeout(Duration.ofSeconds(60))
                .run();
        Progress.command(r);
        return r.orThrow();
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
