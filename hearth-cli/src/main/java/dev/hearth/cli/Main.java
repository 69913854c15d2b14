package dev.hearth.cli;

import dev.hearth.gguf.GgufFormatException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code hearth} command: one entry point, one subcommand per job. */
@Command(name = "hearth", mixinStandardHelpOptions = true, version = Main.VERSION,
        description = "Local large language models on the CPU, from GGUF files.",
        subcommands = {RunCommand.class, ServeCommand.class, InspectCommand.class, BenchCommand.class, LogitsCommand.class,
                TokenizeCommand.class, TemplateCommand.class, TestModelCommand.class, IllumeCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {
    /** What --version prints, and bench reports as its build. */
    static final String VERSION = "hearth 0.1.0";

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code; errors become one line on stderr, never a stack trace. */
    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, line, parse) -> {
            String msg = ex.getMessage() == null ? ex.toString() : ex.getMessage();
            if (!(ex instanceof GgufFormatException || ex instanceof IllegalArgumentException
                    || ex instanceof IllegalStateException || ex instanceof java.io.UncheckedIOException))
                msg = ex.getClass().getSimpleName() + ": " + msg;
            line.getErr().println("hearth: " + msg);
            if (System.getenv("HEARTH_DEBUG") != null) ex.printStackTrace(line.getErr());
            return 1;
        });
        return cl.execute(args);
    }
}
