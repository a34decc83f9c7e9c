package dev.mre.operator.ops;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;
import org.slf4j.MDC;

/** The shipped logback.xml: SES_MRE_LOG_FORMAT=json gives one JSON object per line with the MDC keys as fields. */
// reconfigures logback for the whole JVM: never next to other test classes (they run concurrently, see
// junit-platform.properties)
@Isolated
class LogFormatTest {

    private final PrintStream originalOut = System.out;

    private LoggerContext ctx;

    /**
     * The shipped logback.xml in a logger context of its own: the unit phase's context (logback-test.xml, logs to a
     * file under target/) stays as it is for the other classes.
     */
    private org.slf4j.Logger configure(String format) throws Exception {
        // logback resolves ${SES_MRE_LOG_FORMAT} from system properties before the environment
        System.setProperty("SES_MRE_LOG_FORMAT", format);
        ctx = new LoggerContext();
        ctx.setMDCAdapter(MDC.getMDCAdapter()); // the one org.slf4j.MDC writes to
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(ctx);
        configurator.doConfigure(LogFormatTest.class.getResource("/logback.xml"));
        return ctx.getLogger("dev.mre.operator.test");
    }

    @AfterEach
    void restore() {
        System.setOut(originalOut);
        if (ctx != null) {
            ctx.stop();
        }
        System.clearProperty("SES_MRE_LOG_FORMAT");
    }

    @Test
    void jsonFormatWritesOneObjectPerLineWithTheObjectKeys() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        org.slf4j.Logger log = configure("json");
        MDC.put("mre.namespace", "mail");
        MDC.put("mre.name", "global-mail");
        try {
            log.info("created endpoint {}", "global-mail");
        } finally {
            MDC.clear();
        }
        String line = out.toString(StandardCharsets.UTF_8)
                .lines()
                .filter(l -> l.contains("created endpoint"))
                .findFirst()
                .orElseThrow();
        JsonNode json = new ObjectMapper().readTree(line);
        assertThat(json.get("message").asText()).isEqualTo("created endpoint global-mail");
        assertThat(json.get("level").asText()).isEqualTo("INFO");
        assertThat(json.get("mre.namespace").asText()).isEqualTo("mail");
        assertThat(json.get("mre.name").asText()).isEqualTo("global-mail");
    }

    @Test
    void textFormatShowsTheObject() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        org.slf4j.Logger log = configure("text");
        MDC.put("mre.namespace", "mail");
        MDC.put("mre.name", "global-mail");
        try {
            log.info("created endpoint");
        } finally {
            MDC.clear();
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("[mail/global-mail] - created endpoint");
    }
}
