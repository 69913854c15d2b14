package dev.hearth.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.chat.ChatTemplate;
import dev.hearth.chat.ChatTemplates;
import dev.hearth.gguf.GgufFile;
import dev.hearth.tokenizer.Tokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Renders a conversation with a model's chat template, the prompt the server would feed the model
 * (llama-server's /apply-template). The conversation is OpenAI-style JSON: either a list of
 * messages or an object with "messages" and optionally "tools".
 */
@Command(name = "template", mixinStandardHelpOptions = true,
        description = "Render a conversation (JSON) with the model's chat template.")
final class TemplateCommand implements Callable<Integer> {
    @Mixin ModelOptions modelOptions;

    @Option(names = "--chat-template", paramLabel = "NAME", description = "a built-in template instead of the model's: ${COMPLETION-CANDIDATES}",
            completionCandidates = Names.class) String name;
    @Option(names = "--chat-template-file", paramLabel = "FILE", description = "a Jinja template file instead of the model's") Path file;
    @Option(names = "--messages", paramLabel = "FILE", required = true, description = "conversation JSON file, - for stdin") String messages;
    @Option(names = "--no-generation-prompt", description = "do not end with the assistant's turn header") boolean noGenerationPrompt;

    static final class Names implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return ChatTemplates.NAMES.iterator();
        }
    }

    @Override
    public Integer call() throws IOException {
        if (name != null && file != null) throw new IllegalArgumentException("give --chat-template or --chat-template-file, not both");
        String json = messages.equals("-") ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8) : read(Path.of(messages));
        Object parsed;
        try {
            parsed = new ObjectMapper().readValue(json, Object.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the conversation is not valid JSON: " + e.getOriginalMessage());
        }
        Map<String, Object> context = new LinkedHashMap<>();
        if (parsed instanceof List<?> list) context.put("messages", list);
        else if (parsed instanceof Map<?, ?> map && map.get("messages") instanceof List<?> list) {
            context.put("messages", list);
            if (map.get("tools") != null) context.put("tools", map.get("tools"));
        } else throw new IllegalArgumentException("the conversation must be a list of messages or an object with \"messages\"");
        context.put("add_generation_prompt", !noGenerationPrompt);
        try (GgufFile gguf = GgufFile.open(modelOptions.modelPath())) {
            Tokenizer tok = Tokenizer.load(gguf);
            context.put("bos_token", tok.bos() >= 0 ? tok.vocabulary().text(tok.bos()) : "");
            context.put("eos_token", tok.eos() >= 0 ? tok.vocabulary().text(tok.eos()) : "");
            ChatTemplate template = ChatTemplates.select(gguf.getString("tokenizer.chat_template", null), name,
                    file == null ? null : read(file));
            System.out.print(ChatTemplates.render(template, context));
            System.out.flush();
        }
        return 0;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(new IOException("cannot read " + p + ": " + e.getMessage(), e));
        }
    }
}
