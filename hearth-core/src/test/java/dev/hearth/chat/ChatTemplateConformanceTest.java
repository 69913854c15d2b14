package dev.hearth.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every real chat template in resources/chat/templates × every conversation in
 * resources/chat/conversations.json, rendered by Hearth, compared byte for byte with what Python's
 * jinja2 rendered (resources/chat/expected, made by render_expected.py with HF's settings).
 * When jinja2 raised, Hearth must raise too; for raise_exception() the message must match.
 */
class ChatTemplateConformanceTest {

    private static final Path ROOT = Path.of("src/test/resources/chat");
    /** The instant render_expected.py uses for strftime_now. */
    static final Clock FIXED_CLOCK = Clock.fixed(
            LocalDateTime.of(2025, 3, 7, 9, 5, 3).toInstant(ZoneOffset.UTC), ZoneOffset.UTC);

    /**
     * Known differences from jinja2, "template/conversation" → reason. Kept as small as possible;
     * a listed case that starts passing fails the test so the list stays honest.
     */
    static final Map<String, String> KNOWN_DIFFERENCES = Map.of();

    @TestFactory
    Stream<DynamicTest> everyTemplateTimesEveryConversation() throws IOException {
        Map<String, Map<String, Object>> conversations = loadConversations();
        List<DynamicTest> tests = new ArrayList<>();
        try (Stream<Path> files = Files.list(ROOT.resolve("templates"))) {
            for (Path file : files.filter(p -> p.toString().endsWith(".jinja")).sorted().toList()) {
                String name = file.getFileName().toString().replace(".jinja", "");
                String source = Files.readString(file, StandardCharsets.UTF_8);
                for (Map.Entry<String, Map<String, Object>> conv : conversations.entrySet()) {
                    String id = name + "/" + conv.getKey();
                    tests.add(DynamicTest.dynamicTest(id, () -> check(id, source, conv.getValue())));
                }
            }
        }
        assertThat(tests).hasSizeGreaterThanOrEqualTo(50 * 6);
        return tests.stream();
    }

    private static void check(String id, String source, Map<String, Object> conversation) throws IOException {
        Path txt = ROOT.resolve("expected/" + id + ".txt");
        Path err = ROOT.resolve("expected/" + id + ".error");
        Map<String, Object> context = new LinkedHashMap<>(conversation);
        context.putIfAbsent("bos_token", "<s>");
        context.putIfAbsent("eos_token", "</s>");
        String known = KNOWN_DIFFERENCES.get(id);
        try {
            if (Files.exists(txt)) {
                String expected = Files.readString(txt, StandardCharsets.UTF_8);
                String actual = ChatTemplate.parse(source).render(context, FIXED_CLOCK);
                if (known != null) {
                    assertThat(actual).as("listed as a known difference (" + known + ") but now matches: remove it")
                            .isNotEqualTo(expected);
                    return;
                }
                assertThat(actual).as(id).isEqualTo(expected);
            } else {
                String expected = Files.readString(err, StandardCharsets.UTF_8);
                assertThatThrownBy(() -> ChatTemplate.parse(source).render(context, FIXED_CLOCK)).as(id + " must raise like jinja2: " + expected)
                        .isInstanceOf(TemplateException.class)
                        .satisfies(e -> {
                            if (expected.startsWith("TemplateError: ")) {
                                assertThat(((TemplateException) e).kind()).isEqualTo(TemplateException.Kind.RAISED);
                                assertThat(e.getMessage()).isEqualTo(expected.substring("TemplateError: ".length()));
                            }
                        });
            }
        } catch (TemplateException e) {
            fail(id + ": unexpected " + e.kind() + ": " + e.describe(), e);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Map<String, Object>> loadConversations() throws IOException {
        try (InputStream in = Files.newInputStream(ROOT.resolve("conversations.json"))) {
            return new ObjectMapper().readValue(in, LinkedHashMap.class);
        }
    }
}
