package dev.hearth.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SamplerChainTest {
    static final float[] LOGITS = {1f, 5f, 3f, 4.5f, 0f, 2f};

    /** token 0 ends generation; token i's text is "t" repeated i times, so each is a prefix of the longer ones */
    static final TokenTexts TEXTS = new TokenTexts() {
        public int[] eogIds() { return new int[] {0}; }
        public boolean isEog(int id) { return id == 0; }
        public String text(int id) { return "t" + id; }
        public byte[] piece(int id) { return "t".repeat(id).getBytes(); }
        public int endOfText() { return 0; }
    };

    static SamplerChain chain(SamplingSettings s) {
        return new SamplerChain(s, LOGITS.length, TEXTS);
    }

    @Test
    void greedyPicksTheLargestLogit() {
        SamplingSettings s = new SamplingSettings();
        s.temperature = 0f;
        assertThat(chain(s).sample(LOGITS)).isEqualTo(1);
    }

    @Test
    void topKOneIsGreedyWhateverTheTemperature() {
        SamplingSettings s = new SamplingSettings();
        s.topK = 1;
        s.temperature = 5f;
        SamplerChain c = chain(s);
        for (int i = 0; i < 20; i++) assertThat(c.sample(LOGITS)).isEqualTo(1);
    }

    @Test
    void sameSeedSameTokens() {
        SamplingSettings s = new SamplingSettings();
        s.seed = 42;
        s.temperature = 2f;
        s.topP = 1f;
        s.minP = 0f;
        SamplerChain a = chain(s), b = chain(s);
        for (int i = 0; i < 50; i++) assertThat(a.sample(LOGITS)).isEqualTo(b.sample(LOGITS));
    }

    @Test
    void minPDropsTokensFarBelowTheBest() {
        SamplingSettings s = new SamplingSettings();
        s.minP = 0.5f; // keeps logits >= 5 + ln 0.5 = 4.31: ids 1 and 3
        s.topP = 1f;
        s.temperature = 1f;
        s.seed = 1;
        SamplerChain c = chain(s);
        for (int i = 0; i < 100; i++) assertThat(c.sample(LOGITS)).isIn(1, 3);
        assertThat(c.postSamplingProbs(10)).extracting(TokenProbability::id).containsExactly(1, 3);
    }

    @Test
    void repeatPenaltyTurnsTheGreedyChoice() {
        SamplingSettings s = new SamplingSettings();
        s.temperature = 0f;
        s.penaltyRepeat = 2f; // 5 / 2 = 2.5 < 4.5
        SamplerChain c = chain(s);
        c.accept(1);
        assertThat(c.sample(LOGITS)).isEqualTo(3);
    }

    @Test
    void logitBiasAndIgnoreEos() {
        SamplingSettings s = new SamplingSettings();
        s.temperature = 0f;
        s.logitBias.put(1, Float.NEGATIVE_INFINITY);
        s.logitBias.put(0, 10f);
        s.ignoreEos = true; // token 0 is the end of generation: banned despite the bias
        assertThat(chain(s).sample(LOGITS)).isEqualTo(3);
    }

    @Test
    void mersenneTwisterMatchesStdMt19937() {
        Mt19937 mt = new Mt19937(5489);
        assertThat(mt.next()).isEqualTo(3499211612L);
        for (int i = 2; i < 10000; i++) mt.next();
        assertThat(mt.next()).isEqualTo(4123659995L); // the C++ standard's check value for the 10000th draw
        double d = new Mt19937(5489).nextDouble();
        assertThat(d).isBetween(0.0, 1.0);
    }

    @Test
    void infillMergesPrefixTokensIntoTheLikelierOne() {
        SamplingSettings s = new SamplingSettings();
        s.samplers = List.of(SamplerType.INFILL);
        s.seed = 1;
        // ids 1..5 are prefixes of each other: their mass merges into the likeliest (id 1); only it and
        // the end-of-generation token survive, and the draw weighs those two by their logits, as llama.cpp's does
        SamplerChain c = chain(s);
        assertThat(c.sample(LOGITS)).isIn(0, 1);
        assertThat(c.postSamplingProbs(10)).extracting(TokenProbability::id).containsExactly(1, 0);
        // when the end of generation is likely, only it remains
        float[] endLikely = {3f, 1f, 1f, 1f, 1f, 1f};
        assertThat(chain(s).sample(endLikely)).isZero();
    }

    @Test
    void samplerOrderByLettersAndNames() {
        assertThat(SamplerType.fromLetters("kt")).containsExactly(SamplerType.TOP_K, SamplerType.TEMPERATURE);
        assertThat(SamplerType.fromNames(List.of("Top_P", "temp", "typical_p", "bogus"))).containsExactly(SamplerType.TOP_P, SamplerType.TEMPERATURE, SamplerType.TYPICAL_P);
    }

    @Test
    void rawProbsSumToOneAndAreSorted() {
        var r = SamplerChain.rawProbs(LOGITS, LOGITS.length, 6, 3);
        assertThat(r.top()).extracting(TokenProbability::id).containsExactly(1, 3, 2, 5, 0, 4);
        double sum = r.top().stream().mapToDouble(TokenProbability::prob).sum();
        assertThat(sum).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
        assertThat(r.chosen().prob()).isEqualTo(r.top().get(1).prob());
    }

    @Test
    void mirostatAndDryAndXtcRun() {
        for (int m : new int[] {1, 2}) {
            SamplingSettings s = new SamplingSettings();
            s.mirostat = m;
            s.seed = 3;
            int t = chain(s).sample(LOGITS);
            assertThat(t).isBetween(0, 5);
        }
        SamplingSettings s = new SamplingSettings();
        s.temperature = 0f;
        s.dryMultiplier = 100f;
        s.dryAllowedLength = 1;
        SamplerChain c = chain(s);
        // history 1 2 1: continuing with 2 would repeat "1 2"; DRY pushes 2 down... 1 is the greedy pick anyway,
        // so make the repetition target the greedy token: history 2 1 2 → next 1 repeats "2 1"
        for (int t : new int[] {2, 1, 2}) c.accept(t);
        assertThat(c.sample(LOGITS)).isEqualTo(3);
    }
}
