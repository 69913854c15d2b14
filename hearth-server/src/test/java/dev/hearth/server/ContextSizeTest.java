package dev.hearth.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.model.ModelConfig;
import org.junit.jupiter.api.Test;

/** {@code -c 0} takes the trained context, capped (with a warning) to a KV cache that fits. */
class ContextSizeTest {
    static ModelConfig model(int layers, int kvHeads, int headDim, int contextTrain) {
        return new ModelConfig("llama", kvHeads * headDim, layers, kvHeads, kvHeads, headDim, headDim, 4 * kvHeads * headDim, 32000,
                contextTrain, 1e-5f, 10000f, headDim, 1f);
    }

    @Test
    void zeroMeansTheTrainedContext() {
        ServerConfig cfg = ServerConfig.defaults(ServerTest.MODEL).withSlots(2, 0);
        assertThat(LoadedModel.contextSize(cfg, model(2, 2, 32, 512))).isEqualTo(512);
    }

    @Test
    void aTrainedContextThatDoesNotFitIsCappedToWhatFits() {
        // DeepSeek-V2-Lite-like: 160K trained context, 27 layers of wide keys and values
        ModelConfig big = model(27, 16, 192, 163840);
        ServerConfig cfg = ServerConfig.defaults(ServerTest.MODEL).withSlots(4, 0);
        int ctx = LoadedModel.contextSize(cfg, big);
        long perToken = 27L * 2 * 16 * 192 * 2; // an F16 cache: 2 bytes per value, keys and values
        assertThat(dev.hearth.model.KvCache.bytesPerPosition(big, cfg.cache())).isEqualTo(perToken);
        assertThat(ctx).isLessThan(163840).isPositive();
        assertThat(ctx % 4).isZero();
        assertThat(ctx * perToken).isLessThanOrEqualTo(Runtime.getRuntime().maxMemory() / 2);
    }

    @Test
    void anExplicitContextIsKept() {
        ServerConfig cfg = ServerConfig.defaults(ServerTest.MODEL).withSlots(4, 2048);
        assertThat(LoadedModel.contextSize(cfg, model(2, 2, 32, 512))).isEqualTo(2048);
    }
}
