package dev.mre.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * The committed CRDs (crds/ and the Helm chart's crds/) must be exactly what the Java model generates, file for
 * file: a changed model, a hand edit, a CRD the model no longer generates or a new one not committed all fail the
 * build. Only {@code make crds}, which runs this test with {@code -Dcrd.update=true}, writes them instead.
 */
class CrdDriftTest {

    static final Path GENERATED = Path.of("target/crd-generated");
    static final List<Path> COMMITTED = List.of(Path.of("../crds"), Path.of("../helm/ses-mre-operator/crds"));

    @ParameterizedTest
    @FieldSource("dev.mre.operator.api.CrdFinisher#FILES")
    void committedCrdsMatchTheJavaModel(String file) throws Exception {
        String expected = CrdFinisher.finish(GENERATED.resolve(file));
        for (Path dir : COMMITTED) {
            Path committed = dir.resolve(file);
            if (Boolean.getBoolean("crd.update")) {
                Files.createDirectories(committed.getParent());
                Files.writeString(committed, expected);
            }
            assertThat(committed)
                    .as("%s is missing: run `make crds`", committed)
                    .exists();
            assertThat(Files.readString(committed))
                    .as("%s differs from the CRD generated from the Java model: run `make crds` and commit", committed)
                    .isEqualTo(expected);
        }
    }

    @Test
    void theGeneratorMakesExactlyTheCrdsTheFinisherKnows() throws IOException {
        assertThat(yamlFiles(GENERATED))
                .as("CRDs generated from the Java model: a new one needs its entry in CrdFinisher.FILES")
                .containsExactlyInAnyOrderElementsOf(CrdFinisher.FILES);
    }

    @Test
    void noCommittedCrdIsLeftOverFromAnEarlierModel() throws IOException {
        for (Path dir : COMMITTED) {
            assertThat(yamlFiles(dir))
                    .as("%s holds a CRD the Java model does not generate: delete it", dir)
                    .containsExactlyInAnyOrderElementsOf(CrdFinisher.FILES);
        }
    }

    private static List<String> yamlFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".yml") || n.endsWith(".yaml"))
                    .sorted()
                    .toList();
        }
    }
}
