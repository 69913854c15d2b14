package dev.hearth.illume;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The buffer corpus: every {@code NAME.buffer} under {@code test/resources/buffers} is run through
 * the client and its output compared byte for byte with {@code NAME.expected} — the request Illume
 * prints with {@code !debug} (method, URL, headers, JSON body) or the error it reports. The
 * expectations were written by hand from skeeto/illume's illume.go (see tools/make_buffer_corpus.py,
 * which holds each case with the reasoning), not recorded from this implementation. Headers are
 * listed sorted: Illume prints a Go map, in random order. {@code NAME.env} gives the environment;
 * the working directory is the corpus directory, and the user profile directory is its config/.
 */
class DebugCorpusTest {
    static Path corpus() throws URISyntaxException {
        return Path.of(DebugCorpusTest.class.getResource("/buffers").toURI());
    }

    @TestFactory
    Stream<DynamicTest> everyBufferPrintsWhatIllumePrints() throws Exception {
        Path dir = corpus();
        List<Path> buffers;
        try (Stream<Path> files = Files.list(dir)) {
            buffers = files.filter(p -> p.toString().endsWith(".buffer")).sorted().toList();
        }
        assertThat(buffers).hasSizeGreaterThan(50);
        return buffers.stream().map(buffer -> DynamicTest.dynamicTest(buffer.getFileName().toString(), () -> {
            String name = buffer.getFileName().toString().replace(".buffer", "");
            String expected = new String(Files.readAllBytes(dir.resolve(name + ".expected")), StandardCharsets.ISO_8859_1);
            Map<String, String> env = environment(dir, name);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int status = Main.run(Files.readAllBytes(buffer), out, env::get, dir);
            assertThat(out.toString(StandardCharsets.ISO_8859_1)).isEqualTo(expected); // bytes compared exactly
            assertThat(status).isEqualTo(expected.startsWith("\n\n!error\n\n") ? 1 : 0);
        }));
    }

    static Map<String, String> environment(Path dir, String name) throws IOException {
        Map<String, String> env = new HashMap<>();
        env.put("XDG_CONFIG_HOME", dir.resolve("config").toString());
        env.put("HOME", dir.resolve("no-home").toString());
        Path file = dir.resolve(name + ".env");
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file)) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    env.put(line.substring(0, eq), line.substring(eq + 1));
                }
            }
        }
        return env;
    }
}
