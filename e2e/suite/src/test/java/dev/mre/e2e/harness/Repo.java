package dev.mre.e2e.harness;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where things are: the repository root (every path of the harness is relative to it), the jars the build writes
 * (version-free names, see the parent POM's finalName), the scripts the harness shares with {@code hack/demo.sh},
 * and the kubectl and helm binaries.
 */
public final class Repo {

    private Repo() {}

    /** -De2e.repo (the e2e POM sets it), else the first parent folder holding e2e/testenv/testenv.sh. */
    public static Path root() {
        String prop = System.getProperty("e2e.repo");
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop).toAbsolutePath().normalize();
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p.resolve("e2e/testenv/testenv.sh"))) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find the repository root (no e2e/testenv/testenv.sh above "
                + Path.of("").toAbsolutePath() + "); set -De2e.repo=<repository root>");
    }

    /** The shaded operator jar {@code ./mvnw package} writes. */
    public static Path operatorJar() {
        return root().resolve("operator/target/ses-mre-operator-all.jar");
    }

    /** The shaded SES emulator jar {@code ./mvnw package} writes. */
    public static Path emulatorJar() {
        return root().resolve("e2e/ses-emulator/target/ses-emulator-all.jar");
    }

    /** Fails with what to run when a jar is missing. */
    public static Path requireJar(Path jar) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar
                    + " is missing: build the jars first with `./mvnw -B -DskipTests install`" + " (or `make build`)");
        }
        return jar;
    }

    public static Path testenvScript() {
        return root().resolve("e2e/testenv/testenv.sh");
    }

    /** The one writer of ServiceAccount-token kubeconfigs, shared with hack/demo.sh. */
    public static Path tokenKubeconfigScript() {
        return root().resolve("hack/token-kubeconfig.sh");
    }

    /** An environment variable, when set and not blank. */
    public static Optional<String> env(String name) {
        return Optional.ofNullable(System.getenv(name)).filter(s -> !s.isBlank());
    }
}
