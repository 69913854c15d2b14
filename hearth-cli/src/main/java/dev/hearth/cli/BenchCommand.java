package dev.hearth.cli;

import dev.hearth.gguf.GgufFile;
import dev.hearth.gguf.Tensor;
import dev.hearth.model.CacheOptions;
import dev.hearth.model.Model;
import dev.hearth.model.ModelConfig;
import dev.hearth.model.Session;
import dev.hearth.tensor.ComputePool;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Prompt-processing (pp), token-generation (tg) and combined (pp+tg, {@code -pg}) speed on random
 * tokens, reported like llama-bench: each test runs once to warm up (and then, for the JIT's sake, as
 * often as 5 s allow), then {@code -r} times; the table shows mean ± standard deviation of tokens per second. {@code -fa}, {@code -ctk} and {@code -ctv}
 * take comma-separated lists, and every combination is measured, as llama-bench does. With {@code -d D}
 * each test runs after D untimed prompt tokens ("tg128 @ d2048"), which times attention at depth. {@code -o} chooses
 * llama-bench's output formats ({@link BenchReport}).
 */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Measure prompt and generation speed (llama-bench style).")
final class BenchCommand implements Callable<Integer> {
    @Mixin ModelOptions modelOptions;

    @Option(names = {"-p", "--n-prompt"}, split = ",", description = "prompt lengths to test (default ${DEFAULT-VALUE})") int[] prompts = {512};
    @Option(names = {"-n", "--n-gen"}, split = ",", description = "generation lengths to test (default ${DEFAULT-VALUE})") int[] gens = {128};
    @Option(names = {"-r", "--repetitions"}, description = "repetitions of each test (default ${DEFAULT-VALUE})") int reps = 3;
    @Option(names = {"-d", "--n-depth"}, split = ",", description = "context depth: each test runs after this many prompt tokens already in the cache, not timed (comma separated; default ${DEFAULT-VALUE})") int[] depths = {0};
    @Option(names = {"-b", "--batch-size"}, description = "prompt tokens per forward step (default ${DEFAULT-VALUE})") int batch = 512;
    @Option(names = "-pg", description = "a prompt of PP tokens then TG generated ones, timed together (PP,TG; repeatable)") List<String> pg = new ArrayList<>();
    @Option(names = "--no-warmup", description = "skip the untimed warm-up runs before each test (as llama-bench's; the first runs then include the JIT compiling)")
    boolean noWarmup;
    @Option(names = {"-vd", "--verify-drafts"}, split = ",", description = "also time speculative decoding's verification: -n steps that each feed one token plus D drafted ones "
            + "tokenwise, each after a plain one-token step timed apart; reported as steps/s and as the cost of one such step in plain steps (comma separated D)") int[] drafts = {};
    @Option(names = {"-fa", "--flash-attn"}, split = ",", description = "flash attention: on|off|auto|1|0, comma separated (default ${DEFAULT-VALUE})") String[] fa = {"auto"};
    @Option(names = {"-ctk", "--cache-type-k"}, split = ",", description = "KV cache key types: f16|q8_0, comma separated (default ${DEFAULT-VALUE})") String[] ctk = {"f16"};
    @Option(names = {"-ctv", "--cache-type-v"}, split = ",", description = "KV cache value types: f16|q8_0, comma separated (default ${DEFAULT-VALUE})") String[] ctv = {"f16"};
    @Option(names = {"-o", "--output"}, description = "output format: md|csv|json|jsonl (default ${DEFAULT-VALUE})") String output = "md";

    @Override
    public Integer call() {
        if (reps < 1) throw new IllegalArgumentException("-r must be at least 1");
        if (batch < 1) throw new IllegalArgumentException("-b must be at least 1");
        BenchReport.Format format = BenchReport.format(output);
        List<int[]> pgs = new ArrayList<>();
        for (String v : pg) {
            String[] parts = v.split(",");
            try {
                if (parts.length != 2) throw new NumberFormatException();
                pgs.add(new int[] {Integer.parseInt(parts[0].strip()), Integer.parseInt(parts[1].strip())});
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("-pg takes PP,TG (two token counts), got '" + v + "'");
            }
        }
        // every combination, as llama-bench runs them; a bad one (e.g. -fa off with -ctv q8_0) fails before any test runs
        List<CacheOptions> combos = new ArrayList<>();
        for (String f : fa) for (String k : ctk) for (String v : ctv) combos.add(CacheOptions.resolve(f.strip(), k.strip(), v.strip()));
        int threads = modelOptions.threadCount();
        try (GgufFile file = GgufFile.open(modelOptions.modelPath()); ComputePool pool = new ComputePool(threads)) {
            Model model = Model.load(file);
            ModelConfig c = model.config();
            long bytes = 0, params = 0;
            for (Tensor t : file.tensors().values()) { bytes += t.data().byteSize(); params += t.elementCount(); }
            String name = c.architecture() + " " + describe(c) + " " + fileType(file);
            BenchReport report = new BenchReport(format, System.out, new BenchReport.Setup(modelOptions.modelPath().getFileName().toString(), name,
                    bytes, params, batch, threads, cpuName(), Main.VERSION));
            report.begin();
            SplittableRandom rnd = new SplittableRandom(42);
            for (CacheOptions o : combos) for (int depth : depths) {
                if (depth < 0) throw new IllegalArgumentException("-d takes token counts of at least 0, got " + depth);
                String at = depth > 0 ? " @ d" + depth : "";
                for (int p : prompts) {
                    if (p <= 0) continue;
                    report.add(measure(model, pool, o, depth, "pp" + p + at, p, 0, rnd, c.vocab()));
                }
                for (int n : gens) {
                    if (n <= 0) continue;
                    report.add(measure(model, pool, o, depth, "tg" + n + at, 0, n, rnd, c.vocab()));
                }
                for (int d : drafts) {
                    if (d < 1) throw new IllegalArgumentException("-vd takes draft counts of at least 1, got " + d);
                    for (int n : gens) {
                        if (n <= 0) continue;
                        report.add(measureVerify(model, pool, o, depth, "tg" + n + " vd" + d + at, n, d, rnd, c.vocab()));
                    }
                }
                for (int[] x : pgs) {
                    if (x[0] <= 0 && x[1] <= 0) continue;
                    report.add(measure(model, pool, o, depth, "pp" + x[0] + "+tg" + x[1] + at, x[0], x[1], rnd, c.vocab()));
                }
            }
            report.end();
        }
        return 0;
    }

    /** A session of {@code depth + capacity} positions whose cache holds {@code depth} random prompt tokens (the untimed context of {@code -d}). */
    private Session session(Model model, ComputePool pool, CacheOptions o, int depth, int capacity, int stepTokens, SplittableRandom rnd, int vocab) {
        Session s = new Session(model, pool, depth + capacity, Math.min(batch, Math.max(1, Math.max(stepTokens, depth))), o);
        if (depth > 0) {
            int[] toks = new int[depth];
            for (int i = 0; i < depth; i++) toks[i] = rnd.nextInt(vocab);
            s.feed(toks);
        }
        return s;
    }

    /**
     * After one warm-up run (llama-bench's), more run untimed until this much time has passed: the JIT compiles a kernel
     * only after it has run a while, and a test as short as pp4 then measured mostly the first compiles. 1B Q4_0, two
     * threads, feeds of 4 tokens, one after the other: 4740 ms (the interpreter), 550, 324, 290, 313, 281 ... ~215 from the
     * 17th on, 5 s after the first.
     */
    private static final long WARM_UP_NANOS = 5_000_000_000L;

    /** The nanoseconds of each of {@code reps} runs of {@code run}, after warm-up runs ({@link #WARM_UP_NANOS}). */
    private long[] times(Runnable run) {
        warmUp(run);
        long[] nanos = new long[reps];
        for (int rep = 0; rep < reps; rep++) {
            long t0 = System.nanoTime();
            run.run();
            nanos[rep] = System.nanoTime() - t0;
        }
        return nanos;
    }

    /** A prompt of {@code prompt} tokens then {@code gen} generated ones, each repetition after {@code depth} cached tokens: its tokens/s are both over the time of both. */
    private BenchReport.Test measure(Model model, ComputePool pool, CacheOptions o, int depth, String test, int prompt, int gen, SplittableRandom rnd, int vocab) {
        Session s = session(model, pool, o, depth, prompt + gen + 1, prompt, rnd, vocab);
        String time = now();
        long[] nanos = times(() -> {
            s.truncate(depth);
            if (prompt > 0) {
                int[] toks = new int[prompt];
                for (int i = 0; i < prompt; i++) toks[i] = rnd.nextInt(vocab);
                s.feed(toks);
            }
            for (int i = 0; i < gen; i++) s.feed(new int[] {rnd.nextInt(vocab)});
        });
        return new BenchReport.Test(test, prompt, gen, depth, o, time, nanos, prompt + gen, 0, new double[0]);
    }

    /** The test's start, as llama-bench's test_time (UTC, to the second). */
    private static String now() {
        return java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    }

    /** One untimed run of {@code run}, then more until {@link #WARM_UP_NANOS} have passed (none with {@code --no-warmup}). */
    private void warmUp(Runnable run) {
        if (noWarmup) return;
        run.run();
        long warmUpEnd = System.nanoTime() + WARM_UP_NANOS;
        while (System.nanoTime() < warmUpEnd) run.run();
    }

    /**
     * Speculative decoding's verification: {@code steps} steps that each feed one token plus {@code drafts} drafted ones
     * tokenwise (all logits kept), each after a plain one-token step. Returns, per repetition, the time of the verification
     * steps (their steps/s) and that time over the time of the plain steps between them: what verifying costs in plain
     * steps, measured step by step side by side, so that this VM's minutes-long swings of speed (the same loop at ~85 or
     * ~130 GFLOP/s) fall on both alike, which tg and vd measured one after the other did not (1B Q4_0, two
     * threads: tg's t/s over vd's steps/s came out anywhere from 4.6 to 10.8 in one session's runs).
     */
    private BenchReport.Test measureVerify(Model model, ComputePool pool, CacheOptions o, int depth, String test, int steps, int drafts, SplittableRandom rnd, int vocab) {
        Session s = session(model, pool, o, depth, 2 * steps + drafts + 1, drafts + 1, rnd, vocab);
        int[] toks = new int[drafts + 1];
        long[] nanos = new long[2]; // plain steps', verification steps'
        Runnable run = () -> {
            s.truncate(depth);
            nanos[0] = nanos[1] = 0;
            for (int i = 0; i < steps; i++) {
                long t0 = System.nanoTime();
                s.feed(new int[] {rnd.nextInt(vocab)});
                for (int j = 0; j <= drafts; j++) toks[j] = rnd.nextInt(vocab);
                long t1 = System.nanoTime();
                s.feedTokenwise(toks);
                nanos[0] += t1 - t0;
                nanos[1] += System.nanoTime() - t1;
                // a rejected draft's positions are dropped, as in decoding: the next step starts one position on
                s.truncate(s.position() - drafts);
            }
        };
        String time = now();
        warmUp(run);
        long[] verifyNanos = new long[reps];
        double[] cost = new double[reps];
        for (int rep = 0; rep < reps; rep++) {
            run.run();
            verifyNanos[rep] = nanos[1];
            cost[rep] = (double) nanos[1] / nanos[0];
        }
        return new BenchReport.Test(test, 0, steps, depth, o, time, verifyNanos, steps, drafts, cost);
    }

    /** The CPU's name for the report (Linux's /proc/cpuinfo "model name"), else the JVM's os.arch. */
    private static String cpuName() {
        try (java.util.stream.Stream<String> lines = java.nio.file.Files.lines(java.nio.file.Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst()
                    .orElse(System.getProperty("os.arch"));
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            return System.getProperty("os.arch");
        }
    }

    private static String describe(ModelConfig c) {
        return c.layers() + "L/" + c.embd() + "d";
    }

    private static String fileType(GgufFile f) {
        // the most common weight type of the 2-D tensors stands for the file, like llama.cpp's ftype name
        java.util.Map<dev.hearth.tensor.GgmlType, Long> bytesByType = new java.util.EnumMap<>(dev.hearth.tensor.GgmlType.class);
        for (Tensor t : f.tensors().values())
            if (t.shape().length >= 2) bytesByType.merge(t.type(), t.data().byteSize(), Long::sum);
        return bytesByType.entrySet().stream().max(java.util.Map.Entry.comparingByValue()).map(e -> e.getKey().name()).orElse("?");
    }
}
