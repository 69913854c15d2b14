package dev.hearth.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The public API: error reporting, caller data conversion, clock injection, reuse across threads. */
class ChatTemplateTest {

    @Test
    void syntaxErrorsCarryLineAndColumn() {
        assertThatThrownBy(() -> ChatTemplate.parse("line one\n  {{ 1 + }}"))
                .isInstanceOfSatisfying(TemplateException.class, e -> {
                    assertThat(e.kind()).isEqualTo(TemplateException.Kind.SYNTAX);
                    assertThat(e.line()).isEqualTo(2);
                    assertThat(e.column()).isEqualTo(10);
                    assertThat(e.describe()).contains("template line 2, column 10");
                });
        assertThatThrownBy(() -> ChatTemplate.parse("{% if x %}\n\nno end"))
                .isInstanceOfSatisfying(TemplateException.class, e -> assertThat(e.line()).isEqualTo(3));
        assertThatThrownBy(() -> ChatTemplate.parse("{% frobnicate %}")).hasMessageContaining("unknown tag 'frobnicate'");
    }

    @Test
    void runtimeErrorsCarryTheLineOfTheStatement() {
        ChatTemplate t = ChatTemplate.parse("a\n{% for m in messages %}\n{{ m.content + 1 }}\n{% endfor %}");
        assertThatThrownBy(() -> t.render(Map.of("messages", List.of(Map.of("content", "x")))))
                .isInstanceOfSatisfying(TemplateException.class, e -> {
                    assertThat(e.kind()).isEqualTo(TemplateException.Kind.TYPE);
                    assertThat(e.getMessage()).isEqualTo("can only concatenate str (not \"int\") to str");
                    assertThat(e.line()).isEqualTo(3);
                });
    }

    @Test
    void raiseExceptionMessageIsExact() {
        ChatTemplate t = ChatTemplate.parse("{{ raise_exception('Only ' ~ n ~ ' roles') }}");
        assertThatThrownBy(() -> t.render(Map.of("n", 2)))
                .isInstanceOfSatisfying(TemplateException.class, e -> {
                    assertThat(e.kind()).isEqualTo(TemplateException.Kind.RAISED);
                    assertThat(e.getMessage()).isEqualTo("Only 2 roles");
                });
    }

    @Test
    void callerValuesAreConvertedToPythonValues() {
        Map<String, Object> ctx = new LinkedHashMap<>();
        ctx.put("i", 3);                 // Integer → int
        ctx.put("f", 0.1f);              // Float → float, printed as 0.1
        ctx.put("arr", new Object[] {1, "a", null});
        ctx.put("nested", Map.of("k", List.of(true)));
        String out = ChatTemplate.parse("{{ i // 2 }} {{ i / 2 }} {{ f }} {{ arr }} {{ nested.k[0] }} {{ i is integer }}").render(ctx);
        assertThat(out).isEqualTo("1 1.5 0.1 [1, 'a', None] True True");
    }

    @Test
    void strftimeNowReadsTheInjectedClock() {
        Clock clock = Clock.fixed(Instant.parse("2024-07-26T23:59:00Z"), ZoneOffset.UTC);
        assertThat(ChatTemplate.parse("{{ strftime_now('%d %b %Y, %A %H:%M') }}").render(Map.of(), clock))
                .isEqualTo("26 Jul 2024, Friday 23:59");
    }

    @Test
    void rendersNeverModifyCallerData() {
        List<Object> messages = new ArrayList<>(List.of(Map.of("role", "user", "content", "hi")));
        ChatTemplate t = ChatTemplate.parse("{% set messages = messages + [1] %}{{ messages|length }}");
        assertThat(t.render(Map.of("messages", messages))).isEqualTo("2");
        assertThat(messages).hasSize(1);
    }

    @Test
    void oneParsedTemplateRendersConcurrently() throws Exception {
        ChatTemplate t = ChatTemplate.parse(
                "{% set ns = namespace(n=0) %}{% for m in messages %}{% set ns.n = ns.n + m %}{% endfor %}{{ ns.n }}");
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                List<Integer> nums = List.of(i, i, i);
                results.add(pool.submit(() -> t.render(Map.of("messages", nums))));
            }
            for (int i = 0; i < 64; i++) assertThat(results.get(i).get()).isEqualTo(String.valueOf(3 * i));
        }
    }
}
