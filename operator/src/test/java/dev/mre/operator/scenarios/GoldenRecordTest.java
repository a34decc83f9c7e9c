package dev.mre.operator.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The normalisation and the diff of {@link GoldenRecord}, without a scenario. */
class GoldenRecordTest {

    @Test
    void collapseFoldsBlocksRepeatedBackToBackAndKeepsTheRest() {
        assertThat(GoldenRecord.collapse(List.of("C", "F", "R", "C", "F", "R", "C", "F", "R", "C", "A")))
                .containsExactly("C", "F", "R", "C", "A");
        assertThat(GoldenRecord.collapse(List.of("A", "B", "A", "C"))).containsExactly("A", "B", "A", "C");
        assertThat(GoldenRecord.collapse(List.of("A", "A", "B"))).containsExactly("A", "B");
    }

    @Test
    void theDiffMarksWhatIsOnlyInTheGoldenFileAndWhatOnlyInThisRun() {
        String diff = GoldenRecord.diff("a\nb\nc\n", "a\nx\nc\n");
        assertThat(diff).isEqualTo("--- golden\n+++ this run\n  a\n+ x\n- b\n  c\n");
    }
}
