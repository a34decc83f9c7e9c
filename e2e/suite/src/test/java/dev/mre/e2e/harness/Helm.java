package dev.mre.e2e.harness;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The helm binary against one cluster, with HELM_*_HOME in the run's work folder (nothing read from or written to
 * the user's helm configuration).
 */
public final class Helm {

    private final Path binary;
    private final Path kubeconfig;
    private final Path repo;
    private final Path home;

    public Helm(Path binary, Path kubeconfig, Path repo, Path home) {
        this.binary = binary;
        this.kubeconfig = kubeconfig;
        this.repo = repo;
        this.home = home;
    }

    /** $HELM if set, else the helm that e2e/testenv builds into its tools folder ({@code build} runs when it is missing). */
    public static Path binary(Path testenvToolsDir, Runnable buildTestenv) {
        return Repo.env("HELM").map(Path::of).orElseGet(() -> {
            Path built = testenvToolsDir.resolve("helm");
            if (!Files.isExecutable(built)) {
                buildTestenv.run();
            }
            return built;
        });
    }

    public Cmd.Result run(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(binary.toString());
        cmd.addAll(List.of(args));
        cmd.add("--kubeconfig");
        cmd.add(kubeconfig.toString());
        Cmd.Result r = Cmd.of(cmd)
                .dir(repo)
                .timeout(Duration.ofMinutes(3))
                .env("HELM_CACHE_HOME", home.resolve("cache").toString())
                .env("HELM_CONFIG_HOME", home.resolve("config").toString())
                .env("HELM_DATA_HOME", home.resolve("data").toString())
                .run();
        Progress.command(r);
        return r;
    }

    /** The one ServiceAccount a release renders (the operator's identity); fails if there is not exactly one. */
    public String serviceAccountOf(String release, String namespace) {
        String manifest =
                run("get", "manifest", release, "-n", namespace).orThrow().stdout();
        List<String> names = Json.yamlDocuments(manifest).stream()
                .filter(d -> "ServiceAccount".equals(Json.text(d, "kind")))
                .map(d -> Json.text(d, "metadata.name"))
                .toList();
        if (names.size() != 1) {
            throw new AssertionError("expected exactly one ServiceAccount in the release, found " + names);
        }
        return names.get(0);
    }
}
