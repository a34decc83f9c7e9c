package dev.mre.e2e.perf.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * A PNG chart drawn by gnuplot (Debian's gnuplot-nox; the benchmark targets install it): one or more panels stacked
 * top to bottom, each with its series of (x, y) points. The data and the script are written next to the PNG
 * ({@code NAME.dat}, {@code NAME.gp}), so a chart can be redrawn or restyled by hand. gnuplot and not a Java charting
 * library: it is what the soak's memory plot and the dashboard plot already use, and a text script diffs well.
 */
public final class Plot {

    /** One line or set of points: {@code style} is gnuplot's, e.g. {@code lines lw 2 lc rgb 'blue'}. */
    public record Series(String title, String style, List<double[]> points) {}

    /** One panel: its labels and series. */
    public record Panel(String title, String xLabel, String yLabel, List<Series> series) {}

    private Plot() {}

    /** Draws the panels into {@code png}; answers null, or why no chart was drawn (the report says so). */
    public static String png(Path png, int width, int height, List<Panel> panels) {
        try {
            Path dir = png.toAbsolutePath().getParent();
            String base = png.getFileName().toString().replaceAll("\\.png$", "");
            Path dat = dir.resolve(base + ".dat");
            StringBuilder data = new StringBuilder();
            StringBuilder gp = new StringBuilder();
            gp.append("set terminal pngcairo size ")
                    .append(width)
                    .append(',')
                    .append(height)
                    .append(" font 'sans,10'\nset output '")
                    .append(png.getFileName())
                    .append("'\nset grid\nset key top left\n");
            if (panels.size() > 1) {
                gp.append("set multiplot layout ").append(panels.size()).append(",1\n");
            }
            int index = 0;
            for (Panel p : panels) {
                gp.append("set title '")
                        .append(p.title())
                        .append("'\nset xlabel '")
                        .append(p.xLabel())
                        .append("'\nset ylabel '")
                        .append(p.yLabel())
                        .append("'\nset xrange [0:*]\nset yrange [0:*]\nplot ");
                List<String> plots = new ArrayList<>();
                for (Series s : p.series()) {
                    for (double[] xy : s.points()) {
                        data.append(String.format(Locale.ROOT, "%.3f %.3f%n", xy[0], xy[1]));
                    }
                    data.append("\n\n"); // gnuplot's index separator
                    plots.add("'" + dat.getFileName() + "' index " + index++ + " using 1:2 with " + s.style()
                            + " title '" + s.title() + "'");
                }
                gp.append(String.join(", ", plots)).append('\n');
            }
            if (panels.size() > 1) {
                gp.append("unset multiplot\n");
            }
            Files.writeString(dat, data.toString(), StandardCharsets.UTF_8);
            Path script = dir.resolve(base + ".gp");
            Files.writeString(script, gp.toString(), StandardCharsets.UTF_8);
            Process proc = new ProcessBuilder("gnuplot", script.getFileName().toString())
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .start();
            String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!proc.waitFor(60, TimeUnit.SECONDS)) {
                proc.destroyForcibly();
                return "gnuplot did not finish in 60 s";
            }
            return proc.exitValue() == 0 ? null : "gnuplot exit " + proc.exitValue() + ": " + out.strip();
        } catch (IOException e) {
            return "gnuplot not run: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
