package dev.hearth.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Illume client (module hearth-illume) against a running {@code hearth serve}: a chat, a completion
 * and an infill buffer each become one request, and the reply streams back in Illume's form.
 */
class IllumeAgainstServerTest {
    @TempDir static Path dir;
    static HearthServer stories, scripted;

    @BeforeAll
    static void start() throws Exception {
        stories = new HearthServer(ServerConfig.defaults(ServerTest.MODEL).withPort(0).withSlots(1, 1024).withThreads(1)).start();
        scripted = new HearthServer(ServerConfig.defaults(InfillScopeStopTest.writeScriptedModel(dir.resolve("fim.gguf")))
                .withPort(0).withSlots(1, 1024).withThreads(1)).start();
        stories.awaitReady();
        scripted.awaitReady();
    }

    @AfterAll
    static void stop() {
        if (stories != null) stories.close();
        if (scripted != null) scripted.close();
    }

    static String illume(String buffer) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = dev.hearth.illume.Main.run(buffer.getBytes(StandardCharsets.UTF_8), out, name -> null, dir);
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(code).as(text).isZero();
        return text;
    }

    @Test
    void chat() {
        String out = illume("!api http://127.0.0.1:" + stories.port() + "/\n!:temperature 0\n!:max_tokens 12\n!user\nOnce upon a time\n");
        assertThat(out).startsWith("\n\n!assistant\n\n");
        assertThat(out.substring("\n\n!assistant\n\n".length()).strip()).isNotEmpty();
    }

    @Test
    void completionContinuesTheBuffer() {
        String out = illume("!api http://127.0.0.1:" + stories.port() + "/\n!:temperature 0\n!:max_tokens 16\n!completion\nOnce upon a time");
        // llama.cpp's greedy continuation of "Once upon a time" (../shared/models/PROVENANCE.md)
        assertThat(out).startsWith(", there was a little girl named Lily.");
    }

    @Test
    void infillStopsWhereTheHoleEnds() {
        String out = illume("!api http://127.0.0.1:" + scripted.port() + "/\n!:temperature 0\n!:max_tokens 64\n"
                + "int main() {\n  int x = 1;\n!infill\n  return x;\n}\n");
        // Illume sends the newline of the !infill line as the start of the suffix ("\n  return x;\n}"),
        // so the middle stops before its own newline: the file reads "int x = 1;\n  x += 2;\n  return x;"
        assertThat(out).isEqualTo("  x += 2;");
    }

    @Test
    void serverErrorsAreReportedIllumesWay() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = dev.hearth.illume.Main.run(("!api http://127.0.0.1:" + stories.port() + "/\n!infill\nx = \n").getBytes(StandardCharsets.UTF_8),
                out, name -> null, dir);
        assertThat(code).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("\n\n!error\n\n").contains("501");
    }
}
