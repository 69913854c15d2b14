package dev.hearth.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * 1800 random templates made by render_expected.py with a fixed seed: 400 nest tags with every
 * whitespace-control modifier, 600 are expressions over Python values, filters and tests, 400 call
 * str/dict/list methods and filters on sequences, 400 mix loops, loop.*, break/continue, macros,
 * set and namespace;
 * with jinja2's output or error. Hearth must produce the same text, or raise where jinja2 raised.
 * One test reporting every mismatch, so a regression shows its full extent at once.
 */
class GeneratedConformanceTest {

    @Test
    @SuppressWarnings("unchecked")
    void randomTemplatesMatchJinja2() throws IOException {
        List<Map<String, Object>> cases = new ObjectMapper().readValue(
                new File("src/test/resources/chat/expected/generated.json"), List.class);
        assertThat(cases).hasSize(1800);
        List<String> mismatches = new ArrayList<>();
        for (Map<String, Object> c : cases) {
            String template = (String) c.get("template");
            String actual;
            try {
                actual = ChatTemplate.parse(template).render((Map<String, Object>) c.get("context"));
            } catch (TemplateException e) {
                actual = null;
                if (!c.containsKey("error")) mismatches.add(template + "\n  raised " + e.kind() + ": " + e.getMessage());
            }
            if (actual != null) {
                if (c.containsKey("error")) {
                    mismatches.add(template + "\n  rendered " + quote(actual) + " but jinja2 raised " + c.get("error"));
                } else if (!actual.equals(c.get("output"))) {
                    mismatches.add(template + "\n  rendered " + quote(actual) + "\n  expected " + quote((String) c.get("output")));
                }
            }
        }
        assertThat(mismatches).as(mismatches.size() + " mismatches:\n" + String.join("\n", mismatches)).isEmpty();
    }

    private static String quote(String s) {
        return "'" + s.replace("\n", "\\n").replace("\t", "\\t") + "'";
    }
}
