package dev.hearth.illume;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Illume's built-in profiles (the {@code Profiles} table of skeeto/illume's illume.go, commit
 * bcb2918 — these strings are facts of that program and are reproduced so that buffers behave the
 * same) and the lookup of profile files.
 *
 * <p>Lookup order, as Illume's {@code LoadProfile}: a built-in name; else the name as a file path
 * (relative to the working directory); else, when the name has no slash or backslash,
 * {@code NAME.profile} beside the program. Hearth adds one more place after those: the user
 * configuration directory ({@code $XDG_CONFIG_HOME/illume} or {@code ~/.config/illume}). When
 * nothing is found the error is the one from the first attempt, as Illume reports it.
 */
public final class Profiles {
    public static final String DEFAULT_PROFILE = "llama.cpp";

    static final Map<String, List<String>> BUILT_IN = Map.ofEntries(
            Map.entry("llama.cpp", List.of(
                    "!api http://localhost:8080/",
                    "!:cache_prompt true",
                    "!:stop [\"<|im_end|>\"]")),
            Map.entry("huggingface.co", List.of(
                    "!api https://api-inference.huggingface.co/models/{model}/v1",
                    "!>authorization Bearer $HF_TOKEN",
                    "!>x-use-cache false",
                    "!:model meta-llama/Llama-3.3-70B-Instruct")),
            Map.entry("gpt-oss", List.of(
                    "!:temperature 0.6",
                    "!:top_k 0",
                    "!:top_p 1.0",
                    "!:max_tokens 16384",
                    "!gpt-oss",
                    "!exclude think")),
            Map.entry("qwen3", List.of(
                    "/no_think",
                    "!:temperature 0.7",
                    "!:min_p 0.0",
                    "!:top_p 0.8",
                    "!:top_k 20",
                    "!exclude think")),
            Map.entry("qwen3-think", List.of(
                    "!:temperature 0.6",
                    "!:min_p 0.0",
                    "!:top_p 0.95",
                    "!:top_k 20",
                    "!:max_tokens 16384",
                    "!exclude think")),
            Map.entry("qwen3-instruct", List.of(
                    "!:temperature 0.7",
                    "!:min_p 0.0",
                    "!:top_p 0.8",
                    "!:top_k 20",
                    "!:max_tokens 16384")),
            Map.entry("gemma-3", List.of(
                    "!:temperature 1.0",
                    "!:top_k 64",
                    "!:top_p 0.95",
                    "!:min_p 0.01",
                    "!:repeat_penalty 1.0")),
            Map.entry("gemini", List.of(
                    "!api https://generativelanguage.googleapis.com/v1beta",
                    "!>authorization Bearer $GEMINI_API_KEY",
                    "!:model gemini-2.5-pro",
                    "!:max_tokens 10000")),
            Map.entry("claude", List.of(
                    "!api \"https://api.anthropic.com/v1/messages\"",
                    "!>anthropic-version 2023-06-01",
                    "!>x-api-key $ANTHROPIC_API_KEY",
                    "!:model claude-sonnet-4-5",
                    "!:max_tokens 10000")),
            Map.entry("claude-extended", List.of(
                    "!profile claude",
                    "!:model claude-opus-4-1",
                    "!:max_tokens 20000",
                    "!:thinking {\"type\": \"enabled\", \"budget_tokens\": 10000}",
                    "!exclude think")),
            Map.entry("openai", List.of(
                    "!api https://api.openai.com/v1",
                    "!>authorization Bearer $OPENAI_API_KEY",
                    "!:model gpt-5-nano",
                    "!:max_tokens",
                    "!:max_completion_tokens 10000")),
            // Fill in the middle templates; note fim:mistral puts the suffix first, as Codestral wants
            Map.entry("fim:deepseek", List.of(
                    "!infill <｜begin▁of▁sentence｜><｜fim▁begin｜>{prefix}<｜fim▁hole｜>{suffix}<｜fim▁end｜>")),
            Map.entry("fim:qwen", List.of(
                    "!infill <|fim_prefix|>{prefix}<|fim_suffix|>{suffix}<|fim_middle|>")),
            Map.entry("fim:granite", List.of(
                    "!infill <fim_prefix>{prefix}<fim_suffix>{suffix}<fim_middle>")),
            Map.entry("fim:granite4", List.of(
                    "!infill <|fim_prefix|>{prefix}<|fim_suffix|>{suffix}<|fim_middle|>")),
            Map.entry("fim:mistral", List.of(
                    "!infill [SUFFIX]{suffix}[PREFIX]{prefix}")),
            Map.entry("fim:codellama", List.of(
                    "!infill  <PRE> {prefix} <SUF>{suffix} <MID>",
                    "!:stop [\"<EOT>\"]")));

    private final Path workingDirectory;
    private final List<Path> searchDirectories;

    /**
     * @param workingDirectory where relative profile paths are read from
     * @param searchDirectories where {@code NAME.profile} is looked for, in order (the program's
     *     own directory first, as Illume does)
     */
    public Profiles(Path workingDirectory, List<Path> searchDirectories) {
        this.workingDirectory = workingDirectory;
        this.searchDirectories = List.copyOf(searchDirectories);
    }

    /** The text of a profile: built-in lines joined with newlines, or a file's contents. */
    String load(String name) throws IllumeException {
        List<String> builtIn = BUILT_IN.get(name);
        if (builtIn != null) {
            StringBuilder body = new StringBuilder();
            builtIn.forEach(line -> body.append(line).append('\n'));
            return body.toString();
        }
        try {
            if (name.isEmpty()) {
                throw new java.nio.file.NoSuchFileException(name); // Go cannot open ""
            }
            Path path = workingDirectory.resolve(name);
            if (Files.isDirectory(path)) {
                throw new java.nio.file.FileSystemException(name, null, "is a directory");
            }
            return GoUtf8.decode(Files.readAllBytes(path));
        } catch (IOException | java.nio.file.InvalidPathException first) {
            IllumeException original;
            if (first instanceof java.nio.file.FileSystemException fs && "is a directory".equals(fs.getReason())) {
                original = new IllumeException("read " + name + ": is a directory");
            } else if (first instanceof IOException io) {
                original = IllumeException.cannotOpen(name, io);
            } else {
                original = new IllumeException("open " + name + ": invalid argument");
            }
            if (name.contains("/") || name.contains("\\")) {
                return rethrow(original); // a path: Illume does not search
            }
            for (Path directory : searchDirectories) {
                Path candidate = directory.resolve(name + ".profile");
                if (Files.isRegularFile(candidate)) {
                    try {
                        return GoUtf8.decode(Files.readAllBytes(candidate));
                    } catch (IOException ignored) {
                        // keep looking; the original error is what Illume reports
                    }
                }
            }
            return rethrow(original);
        }
    }

    private static String rethrow(IllumeException e) throws IllumeException {
        throw e;
    }

    /** The program's directory (where the jar lies) followed by the user configuration directory. */
    public static List<Path> defaultSearchDirectories(java.util.function.UnaryOperator<String> env) {
        List<Path> out = new ArrayList<>();
        programDirectory().ifPresent(out::add);
        String xdg = env.apply("XDG_CONFIG_HOME");
        String home = env.apply("HOME");
        if (xdg != null && !xdg.isEmpty()) {
            out.add(Path.of(xdg, "illume"));
        } else if (home != null && !home.isEmpty()) {
            out.add(Path.of(home, ".config", "illume"));
        }
        return out;
    }

    private static Optional<Path> programDirectory() {
        try {
            var source = Profiles.class.getProtectionDomain().getCodeSource();
            if (source == null) {
                return Optional.empty();
            }
            Path location = Path.of(source.getLocation().toURI());
            return Optional.ofNullable(Files.isDirectory(location) ? location : location.getParent());
        } catch (Exception e) {
            return Optional.empty();
        }
    }
}
