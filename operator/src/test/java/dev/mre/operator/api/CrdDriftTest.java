package dev.mre.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The committed CRD (crds/ and the Helm chart's crds/) must be exactly what the Java model generates.
 * {@code make crds} runs this test with {@code -Dcrd.update=true} to write them instead.
 */
class CrdDriftTest {

    private static final Path GENERATED = Path.of("target/crd-generated", CrdFinisher.FILE);
    private static final List<Path> COMMITTED = List.of(
            Path.of("../crds", CrdFinisher.FILE),
            Path.of("../helm/ses-mre-operator/crds", CrdFinisher.FILE));

    @Test
    void committedCrdsMatchTheJavaModel() throws Exception {
        String expected = CrdFinisher.finish(GENERATED);
        for (Path committed : COMMITTED) {
            if (Boolean.getBoolean("crd.update")) {
                Files.createDirectories(committed.getParent());
                Files.writeString(committed, expected);
            }
            assertThat(committed).as("%s is missing: run `make crds`", committed).exists();
            assertThat(Files.readString(committed))
                    .as("%s differs from the CRD generated from the Java model: run `make crds` and commit", committed)
                    .isEqualTo(expected);
        }
    }
}
