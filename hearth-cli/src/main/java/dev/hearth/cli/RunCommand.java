package dev.hearth.cli;

import dev.hearth.engine.DraftCost;
import dev.hearth.engine.Drafter;
import dev.hearth.engine.Speculation;
import dev.hearth.gguf.GgufFile;
import dev.hearth.model.Model;
import dev.hearth.model.Session;
import dev.hearth.sampling.SamplerChain;
import dev.hearth.sampling.SamplingSettings;
import dev.hearth.sampling.TokenTexts;
import dev.hearth.tensor.ComputePool;
import dev.hearth.tokenizer.StreamingDetokenizer;
import dev.hearth.tokenizer.Tokenizer;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Generates text from a prompt, streaming it to stdout; timings go to stderr, as llama-cli does.
 * The prompt is echoed first, the way llama.cpp's examples print it.
 */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Generate text from a prompt.")
final class RunCommand implements Callable<Integer> {
    @Mixin ModelOptions modelOptions;
    @Mixin CacheFlags cacheFlags;
    @Mixin SpecFlags specFlags;

    @Option(names = {"-p", "--prompt"}, description = "prompt text (default: \"${DEFAULT-VALUE}\")") String prompt = "Once upon a time";
    @Option(names = {"-n", "--n-predict"}, description = "tokens to generate, -1 = until end of generation or full context (default ${DEFAULT-VALUE})") int nPredict = -1;
    @Option(names = {"-c", "--ctx-size"}, description = "context size, 0 = the model's trained context (default ${DEFAULT-VALUE})") int ctx = 4096;
    @Option(names = "--temp", description = "temperature, 0 = greedy (default ${DEFAULT-VALUE})") float temp = 0.8f;
    @Option(names = "--top-k", description = "top-k, 0 = off (default ${DEFAULT-VALUE})") int topK = 40;
    @Option(names = "--top-p", description = "top-p, 1 = off (default ${DEFAULT-VALUE})") float topP = 0.95f;
    @Option(names = "--min-p", description = "min-p, 0 = off (default ${DEFAULT-VALUE})") float minP = 0.05f;
    @Option(names = {"-s", "--seed"}, description = "random seed, -1 = random (default ${DEFAULT-VALUE})") long seed = -1;
    @Option(names = "--no-echo", description = "do not print the prompt before the generated text") boolean noEcho;

    @Override
    public Integer call() {
        if (nPredict < -1) throw new IllegalArgumentException("-n must be -1 or more, got " + nPredict);
        if (ctx < 0) throw new IllegalArgumentException("-c must be 0 or more, got " + ctx);
        Speculation speculation = specFlags.options(); // bad flags fail before the model loads
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        try (GgufFile file = GgufFile.open(modelOptions.modelPath());
             ComputePool pool = new ComputePool(modelOptions.threadCount())) {
            Model model = Model.load(file);
            Tokenizer text = Tokenizer.load(file);
            int contextSize = ctx == 0 ? model.config().contextTrain() : ctx;
            int[] tokens = text.encode(prompt, true, true);
            if (tokens.length >= contextSize)
                throw new IllegalArgumentException("the prompt has " + tokens.length + " tokens, more than the context size " + contextSize);
            int budget = nPredict < 0 ? contextSize - tokens.length : Math.min(nPredict, contextSize - tokens.length);
            Session session = new Session(model, pool, Math.min(contextSize, tokens.length + budget), 512, cacheFlags.options());
            SamplingSettings settings = new SamplingSettings();
            settings.temperature = temp;
            settings.topK = topK;
            settings.topP = topP;
            settings.minP = minP;
            settings.seed = seed;
            // llama.cpp's sampler chain and random generator: a seed gives llama.cpp's own text
            SamplerChain sampler = new SamplerChain(settings, model.config().vocab(), TokenTexts.of(text));
            for (int t : tokens) sampler.accept(t);

            // the prompt is echoed token by token with special tokens shown, as llama.cpp's llama-simple prints it
            if (!noEcho) for (int t : tokens) { byte[] p = text.piece(t, true); out.write(p, 0, p.length); }
            out.flush();
            long t0 = System.nanoTime();
            float[] logits = session.feed(tokens);
            long t1 = System.nanoTime();
            int vocab = model.config().vocab();
            int generated = 0;
            StreamingDetokenizer stream = text.streamingDetokenizer(true);
            // the context so far, searched for drafts (prompt-lookup decoding: see Drafter)
            int[] history = Arrays.copyOf(tokens, tokens.length + budget);
            int length = tokens.length;
            Drafter drafter = new Drafter(speculation, new DraftCost());
            int[] fed = {};
            generation:
            while (true) {
                // one row of logits per fed token (one row after the prompt): sample from each in turn, as plain
                // decoding would, while the sampled token is the draft that was fed after it
                int rows = logits.length / vocab, start = session.position() - rows, next;
                for (int i = 0; ; i++) {
                    next = sampler.sample(rows == 1 ? logits : Arrays.copyOfRange(logits, i * vocab, (i + 1) * vocab));
                    sampler.accept(next);
                    if (text.isEog(next)) break generation;
                    out.print(stream.push(next));
                    out.flush();
                    history[length++] = next;
                    generated++;
                    if (generated == budget) break generation;
                    if (i < rows - 1 && next == fed[i + 1]) continue;
                    if (rows > 1) {
                        drafter.verified(rows - 1, i);
                        session.truncate(start + i + 1); // the drafts after the accepted ones were not generated
                    } else if (fed.length == 1) {
                        drafter.generated(next);
                    }
                    break;
                }
                int[] drafts = drafter.draft(history, length, budget - generated - 1);
                fed = new int[1 + drafts.length];
                fed[0] = next;
                System.arraycopy(drafts, 0, fed, 1, drafts.length);
                long s0 = System.nanoTime();
                logits = drafts.length == 0 ? session.feed(fed) : session.feedTokenwise(fed);
                drafter.cost().record(drafts.length, System.nanoTime() - s0);
            }
            out.print(stream.flush());
            out.println();
            long t2 = System.nanoTime();
            System.err.printf("%nprompt eval: %d tokens in %.2f ms (%.2f tokens/s)%n", tokens.length, (t1 - t0) / 1e6, tokens.length / ((t1 - t0) / 1e9));
            System.err.printf("generation:  %d tokens in %.2f ms (%.2f tokens/s)%n", generated, (t2 - t1) / 1e6, generated / Math.max(1e-9, (t2 - t1) / 1e9));
            if (drafter.draftedCount() > 0)
                System.err.printf("drafts:      %d of %d accepted (%.1f%%)%n", drafter.acceptedCount(), drafter.draftedCount(), 100.0 * drafter.acceptedCount() / drafter.draftedCount());
        }
        return 0;
    }
}
