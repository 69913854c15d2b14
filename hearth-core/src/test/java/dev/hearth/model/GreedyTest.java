package dev.hearth.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.gguf.GgufFile;
import dev.hearth.sampling.SamplerChain;
import dev.hearth.tensor.ComputePool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Greedy generation from real GGUF files gives exactly llama.cpp's tokens: the prompt ids and the 60
 * generated ids in resources/golden/greedy were printed by llama.cpp's ref-logits
 * ({@code ref-logits -m MODEL -p "Once upon a time" -n 60 -k 1}).
 */
class GreedyTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "stories260K, ../models/stories260K.gguf",
            "llama-2-tiny-random, src/test/resources/models/llama-2-tiny-random.gguf"})
    void generatesLlamaCppsTokens(String name, String model) throws IOException {
        String golden = Files.readString(Path.of("src/test/resources/golden/greedy/" + name + ".json"));
        int[] prompt = ids(golden, "prompt_tokens");
        int[] expected = ids(golden, "generated");
        Path path = Path.of(model);
        try (GgufFile f = GgufFile.open(path); ComputePool pool = new ComputePool(2)) {
            Model m = Model.load(f);
            Session s = new Session(m, pool, prompt.length + expected.length, 512);
            float[] logits = s.feed(prompt);
            int[] got = new int[expected.length];
            for (int i = 0; i < got.length; i++) {
                got[i] = SamplerChain.argmax(logits, m.config().vocab());
                if (i + 1 < got.length) logits = s.feed(new int[] {got[i]});
            }
            assertThat(got).containsExactly(expected);
        }
    }

    static int[] ids(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":\\[([^\\]]*)]").matcher(json);
        assertThat(m.find()).isTrue();
        return Arrays.stream(m.group(1).split(",")).mapToInt(Integer::parseInt).toArray();
    }
}
