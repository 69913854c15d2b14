package dev.hearth.cli;

import dev.hearth.gguf.GgufFile;
import dev.hearth.model.Model;
import dev.hearth.model.Session;
import dev.hearth.sampling.SamplerChain;
import dev.hearth.tensor.ComputePool;
import dev.hearth.tokenizer.Tokenizer;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Greedy decoding that prints the raw logits' top-k at each step, in exactly the JSON-lines format
 * of the llama.cpp reference tool {@code ref-logits} ({@code ../shared/ref/ref-logits.cpp}), so the two
 * outputs can be compared mechanically.
 */
@Command(name = "logits", mixinStandardHelpOptions = true,
        description = "Dump top-k raw logits per step as JSON lines (the ref-logits format).")
final class LogitsCommand implements Callable<Integer> {
    @Mixin ModelOptions modelOptions;

    @Option(names = {"-p", "--prompt"}, description = "prompt text") String prompt;
    @Option(names = "--ids", split = ",", description = "prompt token ids, comma separated (instead of -p)") int[] ids;
    @Option(names = "-n", description = "steps to generate (default ${DEFAULT-VALUE})") int steps = 16;
    @Option(names = "-k", description = "top-k logits per step (default ${DEFAULT-VALUE})") int topK = 10;
    @Option(names = {"-c", "--ctx-size"}, description = "context size (default: prompt + steps + 1)") int ctx = 0;
    @Option(names = "--all-prompt", description = "also print every prompt position (teacher-forced, negative steps)") boolean allPrompt;
    @Option(names = {"-fa", "--flash-attn"}, description = "flash attention: on|off|auto|1|0 (default ${DEFAULT-VALUE}, as ref-logits)") String flashAttn = "0";
    @Option(names = {"-ctk", "--cache-type-k"}, description = "KV cache key type: f16|q8_0 (default ${DEFAULT-VALUE})") String cacheTypeK = "f16";
    @Option(names = {"-ctv", "--cache-type-v"}, description = "KV cache value type: f16|q8_0, q8_0 needs -fa 1 (default ${DEFAULT-VALUE})") String cacheTypeV = "f16";
    @Option(names = "--no-bos", description = "do not add the BOS token when tokenizing -p") boolean noBos;

    @Override
    public Integer call() {
        if ((prompt == null) == (ids == null)) throw new IllegalArgumentException("give exactly one of -p PROMPT or --ids 1,2,3");
        if (steps < 1) throw new IllegalArgumentException("-n must be at least 1");
        if (topK < 1) throw new IllegalArgumentException("-k must be at least 1");
        try (GgufFile file = GgufFile.open(modelOptions.modelPath());
             ComputePool pool = new ComputePool(modelOptions.threadCount())) {
            Model model = Model.load(file);
            int[] tokens = ids != null ? ids : tokenize(file, prompt);
            if (tokens.length == 0) throw new IllegalArgumentException("the prompt has no tokens");
            int vocab = model.config().vocab();
            int n = ctx > 0 ? ctx : tokens.length + steps + 1;
            Session session = new Session(model, pool, n, 512, dev.hearth.model.CacheOptions.resolve(flashAttn, cacheTypeK, cacheTypeV));
            PrintStream out = System.out;
            StringBuilder sb = new StringBuilder("{\"prompt_tokens\":[");
            for (int i = 0; i < tokens.length; i++) sb.append(i > 0 ? "," : "").append(tokens[i]);
            out.println(sb.append("],\"n_vocab\":").append(vocab).append('}'));

            float[] logits;
            if (allPrompt) {
                float[] all = session.feed(tokens, true);
                for (int i = 0; i < tokens.length - 1; i++)
                    printTop(out, -(tokens.length - 1 - i), Arrays.copyOfRange(all, i * vocab, (i + 1) * vocab), vocab, topK);
                logits = Arrays.copyOfRange(all, (tokens.length - 1) * vocab, tokens.length * vocab);
            } else {
                logits = session.feed(tokens);
            }
            List<Integer> generated = new ArrayList<>();
            for (int step = 0; step < steps; step++) {
                printTop(out, step, logits, vocab, topK);
                int next = SamplerChain.argmax(logits, vocab);
                generated.add(next);
                if (step == steps - 1) break;
                logits = session.feed(new int[] {next});
            }
            sb = new StringBuilder("{\"generated\":[");
            for (int i = 0; i < generated.size(); i++) sb.append(i > 0 ? "," : "").append(generated.get(i));
            out.println(sb.append("]}"));
            out.flush();
        }
        return 0;
    }

    /** Tokenizes as ref-logits does: BOS as the vocabulary asks (unless --no-bos), special tokens parsed. */
    private int[] tokenize(GgufFile file, String text) {
        Tokenizer tok = Tokenizer.load(file);
        int[] ids = tok.encode(text, false, true);
        if (noBos || !tok.vocabulary().addBos() || tok.bos() < 0) return ids;
        int[] withBos = new int[ids.length + 1];
        withBos[0] = tok.bos();
        System.arraycopy(ids, 0, withBos, 1, ids.length);
        return withBos;
    }

    static void printTop(PrintStream out, int step, float[] logits, int vocab, int k) {
        k = Math.min(k, vocab);
        Integer[] idx = new Integer[vocab];
        for (int i = 0; i < vocab; i++) idx[i] = i;
        Arrays.sort(idx, (a, b) -> logits[a] > logits[b] ? -1 : logits[a] < logits[b] ? 1 : Integer.compare(a, b));
        StringBuilder sb = new StringBuilder();
        sb.append("{\"step\":").append(step).append(",\"argmax\":").append(idx[0]).append(",\"top\":[");
        for (int i = 0; i < k; i++)
            sb.append(i > 0 ? "," : "").append('[').append(idx[i]).append(',').append(CFormat.g(logits[idx[i]], 9)).append(']');
        out.println(sb.append("]}"));
    }
}
