package dev.hearth.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * One Jinja feature per case (resources/chat/snippets.json: whitespace control, Python printing,
 * arithmetic, loops, filters, tests, methods, errors), compared with what Python's jinja2 rendered
 * (resources/chat/expected/snippets.json, made by render_expected.py). The error class jinja2
 * raised decides which {@link TemplateException.Kind} Hearth must raise.
 */
class SnippetConformanceTest {

    private static final String ROOT = "src/test/resources/chat/";

    @TestFactory
    @SuppressWarnings("unchecked")
    Stream<DynamicTest> everySnippet() throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<Map<String, Object>> cases = json.readValue(new File(ROOT + "snippets.json"), List.class);
        Map<String, Map<String, String>> expected = json.readValue(new File(ROOT + "expected/snippets.json"), LinkedHashMap.class);
        assertThat(expected).hasSameSizeAs(cases);
        List<DynamicTest> tests = new ArrayList<>();
        for (Map<String, Object> c : cases) {
            String name = (String) c.get("name");
            tests.add(DynamicTest.dynamicTest(name, () -> check(name, (String) c.get("template"),
                    (Map<String, Object>) c.get("context"), expected.get(name))));
        }
        return tests.stream();
    }

    private static void check(String name, String template, Map<String, Object> context, Map<String, String> expected) {
        if (expected.containsKey("output")) {
            try {
                assertThat(ChatTemplate.parse(template).render(context, ChatTemplateConformanceTest.FIXED_CLOCK))
                        .as(name).isEqualTo(expected.get("output"));
            } catch (TemplateException e) {
                fail(name + ": unexpected " + e.kind() + ": " + e.describe(), e);
            }
            return;
        }
        String error = expected.get("error");
        String type = error.substring(0, error.indexOf(':'));
        String message = error.substring(error.indexOf(':') + 2);
        TemplateException.Kind kind = switch (type) {
            // SyntaxError: jinja2 found it only when compiling its generated Python (break outside a loop)
            case "TemplateSyntaxError", "TemplateAssertionError", "SyntaxError" -> TemplateException.Kind.SYNTAX;
            case "TemplateError" -> TemplateException.Kind.RAISED;
            case "UndefinedError" -> TemplateException.Kind.UNDEFINED;
            case "SecurityError" -> TemplateException.Kind.SECURITY;
            default -> TemplateException.Kind.TYPE;
        };
        assertThatThrownBy(() -> ChatTemplate.parse(template).render(context, ChatTemplateConformanceTest.FIXED_CLOCK))
                .as(name)
                .isInstanceOfSatisfying(TemplateException.class, e -> {
                    assertThat(e.kind()).as(name + " kind").isEqualTo(kind);
                    if (kind != TemplateException.Kind.SYNTAX && kind != TemplateException.Kind.TYPE) {
                        assertThat(e.getMessage()).as(name + " message").isEqualTo(message);
                    }
                });
    }
}
