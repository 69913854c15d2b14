package dev.hearth.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options shared by every command that loads a model. */
final class ModelOptions {
    @Option(names = {"-m", "--model"}, paramLabel = "MODEL",
            description = "GGUF model file (default: the model shipped with Hearth, models/stories260K.gguf)")
    Path model;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "compute threads (default: number of cores)")
    Integer threads;

    Path modelPath() {
        if (model != null) return model;
        String home = System.getProperty("hearth.home");
        Path p = Path.of(home != null ? home : ".", "models", "stories260K.gguf");
        if (!Files.exists(p)) throw new IllegalArgumentException("no model given (-m) and the bundled model " + p + " is missing");
        return p;
    }

    int threadCount() {
        int n = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (n < 1 || n > 1024) throw new IllegalArgumentException("--threads must be between 1 and 1024, got " + n);
        return n;
    }
}
