package dev.hearth.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.gguf.GgufFile;
import dev.hearth.tensor.ComputePool;
import dev.hearth.tensor.GgmlType;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several sessions fed in one forward step get the logits each would get alone. */
class BatchedFeedTest {
    @TempDir Path tmp;

    @Test
    void feedAllEqualsSeparateFeeds() {
        Path model = tmp.resolve("m.gguf");
        RandomLlama.write(RandomLlama.TINY, GgmlType.Q8_0, 7, model);
        int[][] prompts = {{1, 300, 301, 302, 303, 304, 305, 306, 307, 308, 309}, {1, 500}, {1, 600, 601, 602}};
        int[][] next = {{400}, {401}, {402}};
        try (GgufFile f = GgufFile.open(model); ComputePool pool = new ComputePool(2)) {
            Model m = Model.load(f);
            int vocab = m.config().vocab();
            float[][] aloneFirst = new float[3][], aloneNext = new float[3][];
            for (int i = 0; i < 3; i++) {
                Session s = new Session(m, pool, 64, 16);
                aloneFirst[i] = s.feed(prompts[i]).clone();
                aloneNext[i] = s.feed(next[i]).clone();
            }
            Session[] sessions = {new Session(m, pool, 64, 16), new Session(m, pool, 32, 16), new Session(m, pool, 64, 16)};
            float[][] first = Session.feedAll(sessions, prompts); // 16 tokens: one step of 16, spans sessions
            float[][] second = Session.feedAll(sessions, next);
            for (int i = 0; i < 3; i++) {
                assertThat(sessions[i].position()).isEqualTo(prompts[i].length + 1);
                assertThat(first[i]).hasSize(vocab);
                for (int v = 0; v < vocab; v++) {
                    assertThat(first[i][v]).as("session %d token %d", i, v).isCloseTo(aloneFirst[i][v], org.assertj.core.data.Offset.offset(2e-3f));
                    assertThat(second[i][v]).as("session %d token %d", i, v).isCloseTo(aloneNext[i][v], org.assertj.core.data.Offset.offset(2e-3f));
                }
            }
            // a session without tokens this step is left alone
            float[][] third = Session.feedAll(sessions, new int[][] {{5}, {}, {6}});
            assertThat(third[1]).isNull();
            assertThat(sessions[1].position()).isEqualTo(3);
            assertThatThrownBy(() -> Session.feedAll(sessions, new int[][] {{5}}))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
