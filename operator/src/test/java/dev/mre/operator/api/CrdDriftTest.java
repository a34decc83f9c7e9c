package dev.mre.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * The committed CRD (crds/ and the Helm chart's crds/) must be exactly what the Java model generates.
 * {@code make crds} runs this test with {@code -Dcrd.update=true} to write them instead.
 */
class CrdDriftTest {

    @ParameterizedTest
    @FieldSource("dev.mre.operator.api.CrdFinisher#FILES")
    void committedCrdsMatchTheJavaModel(String file) throws Exception {
        String expected = CrdFinisher.finish(Path.of("target/crd-generated", file));
        for (Path committed : List.of(Path.of("../crds", file), Path.of("../helm/ses-mre-operator/crds", file))) {
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
}
