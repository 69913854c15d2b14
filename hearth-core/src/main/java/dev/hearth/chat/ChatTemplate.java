package dev.hearth.chat;

import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * A parsed Hugging Face chat template (the Jinja text in {@code tokenizer.chat_template}).
 * Renders byte-for-byte what transformers renders with jinja2's ImmutableSandboxedEnvironment
 * ({@code trim_blocks}, {@code lstrip_blocks}, loop controls, {@code raise_exception},
 * {@code strftime_now}, HF's {@code tojson}).
 *
 * <pre>{@code
 * ChatTemplate t = ChatTemplate.parse(source);
 * String prompt = t.render(Map.of("messages", messages, "add_generation_prompt", true,
 *                                 "bos_token", "<s>", "eos_token", "</s>"));
 * }</pre>
 *
 * Context values are plain Java data as parsed from JSON: String, Integer/Long, Float/Double,
 * Boolean, null, List, Map with String keys. A parsed template is immutable and thread-safe.
 */
public final class ChatTemplate {

    private final String source;
    private final List<Stmt> body;

    private ChatTemplate(String source, List<Stmt> body) {
        this.source = source;
        this.body = body;
    }

    /** Parses a template; throws {@link TemplateException} (kind SYNTAX, with line and column). */
    public static ChatTemplate parse(String source) {
        return new ChatTemplate(source, Parser.parse(source));
    }

    public String source() {
        return source;
    }

    /** Renders with the system clock for {@code strftime_now}. */
    public String render(Map<String, ?> context) {
        return render(context, Clock.systemDefaultZone());
    }

    /** Renders; {@code clock} (its zone included) is what {@code strftime_now} reads. */
    public String render(Map<String, ?> context, Clock clock) {
        @SuppressWarnings("unchecked")
        Map<String, Object> values = (Map<String, Object>) Values.fromJava(context);
        try {
            return new Interpreter(clock).render(body, values);
        } catch (TemplateException e) {
            throw e;
        } catch (RuntimeException | StackOverflowError e) {
            // a bug of ours, not the template's; the caller still gets the one error type it handles
            TemplateException wrapped = new TemplateException(TemplateException.Kind.TYPE,
                    "internal error while rendering the chat template: " + e);
            wrapped.initCause(e);
            throw wrapped;
        }
    }
}
