package dev.mre.e2e.perf.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Markdown file partly written by a program: each generated section sits between
 * {@code <!-- BEGIN GENERATED: id -->} and {@code <!-- END GENERATED: id -->} and is replaced on the next run;
 * everything outside the markers (the hand-written analysis) is kept.
 */
public final class GeneratedDoc {

    private GeneratedDoc() {}

    /**
     * Replaces section {@code id} of {@code file} with {@code body}; appends it when absent; creates the file from
     * {@code skeleton} (which should contain the section's markers, or gets the section appended) when missing.
     */
    public static void writeSection(Path file, String id, String body, String skeleton) throws IOException {
        String begin = "<!-- BEGIN GENERATED: " + id + " (written by the program; edits here are overwritten) -->";
        String end = "<!-- END GENERATED: " + id + " -->";
        String section = begin + "\n" + body.strip() + "\n" + end;
        String text = Files.exists(file) ? Files.readString(file) : skeleton;
        int b = text.indexOf("<!-- BEGIN GENERATED: " + id + " (written");
        int e = b < 0 ? -1 : text.indexOf(end, b);
        if (b >= 0 && e > b) {
            text = text.substring(0, b) + section + text.substring(e + end.length());
        } else {
            text = text.stripTrailing() + "\n\n" + section + "\n";
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, text.endsWith("\n") ? text : text + "\n");
    }
}
