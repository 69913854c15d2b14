package dev.hearth.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hearth illume}: the text-buffer client (module hearth-illume), buffer on standard input,
 * reply on standard output — the same program as {@code java -jar hearth-illume.jar}.
 */
@Command(name = "illume", mixinStandardHelpOptions = true,
        description = "Send a text buffer (Illume's buffer language) from stdin as one API request; stream the reply to stdout.")
final class IllumeCommand implements Callable<Integer> {
    @Option(names = "--file", paramLabel = "NAME",
            description = "name of the edited file, so infill knows the language (default: $HEARTH_ILLUME_FILE)")
    String file;

    @Option(names = "--no-scope-stop", description = "do not cut infill where the generated code closes the hole's scope")
    boolean noScopeStop;

    @Override
    public Integer call() throws IOException {
        byte[] buffer = System.in.readAllBytes();
        return dev.hearth.illume.Main.run(buffer, System.out, name -> switch (name) {
            case "HEARTH_ILLUME_FILE" -> file != null ? file : System.getenv(name);
            case "HEARTH_SCOPE_STOP" -> noScopeStop ? "0" : System.getenv(name);
            default -> System.getenv(name);
        }, Path.of("").toAbsolutePath());
    }
}
