package dev.hearth.illume;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * {@code java -jar hearth-illume.jar < buffer}: one request from the buffer on standard input, the
 * reply streamed to standard output. Every failure is printed Illume's way — {@code \n\n!error\n\n}
 * and one message line on standard output, exit status 1 — never a stack trace.
 *
 * <p>Hearth additions, all optional, through the environment (the buffer language is Illume's and
 * stays unchanged): {@code HEARTH_ILLUME_FILE} names the edited file so infill knows its language
 * (the editor plugins set it); {@code HEARTH_SCOPE_STOP=0} turns off the code-aware infill stop.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        if (args.length > 0 && (args[0].equals("-h") || args[0].equals("--help"))) {
            System.out.println("usage: java -jar hearth-illume.jar <buffer >reply  (Illume's buffer language)");
            return;
        }
        byte[] buffer;
        try {
            buffer = System.in.readAllBytes();
        } catch (IOException e) {
            System.out.print("\n\n!error\n\n" + e.getMessage() + "\n");
            System.out.flush();
            System.exit(1);
            return;
        }
        System.exit(run(buffer, System.out, System::getenv, Path.of("").toAbsolutePath()));
    }

    /** Runs one buffer; returns the exit status. Public so {@code hearth illume} can call it. */
    public static int run(byte[] buffer, OutputStream stdout, UnaryOperator<String> env, Path workingDirectory) {
        OutputStream out = new BufferedOutputStream(stdout);
        try {
            String text = GoUtf8.decode(buffer);
            Profiles profiles = new Profiles(workingDirectory, Profiles.defaultSearchDirectories(env));
            PreparedRequest request = new RequestBuilder(profiles, workingDirectory, env).build(text);
            boolean scopeStop = !"0".equals(env.apply("HEARTH_SCOPE_STOP"));
            new IllumeClient(scopeStop, env.apply("HEARTH_ILLUME_FILE")).send(request, out);
            out.flush();
            return 0;
        } catch (IllumeException | IOException | RuntimeException e) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            try {
                out.write(GoUtf8.encode("\n\n!error\n\n" + message + "\n"));
                out.flush();
            } catch (IOException ignored) {
                // standard output is gone; the exit status still tells
            }
            return 1;
        }
    }
}
