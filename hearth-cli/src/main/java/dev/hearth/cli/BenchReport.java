package dev.hearth.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.hearth.model.CacheOptions;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.stream.Collectors;

/**
 * {@code hearth bench}'s output, in llama-bench's formats ({@code -o md|csv|json|jsonl}): each test is printed as soon
 * as it has run. The markdown table is for people; CSV, JSON and JSON Lines are for scripts, with llama-bench's field
 * names where a field means the same (tools/llama-bench/llama-bench.cpp, {@code test::get_fields}: model_type,
 * n_prompt, avg_ts, samples_ns...), so that one script can read both programs' results. llama-bench's GPU fields
 * (n_gpu_layers, split_mode, tensor_split...) have no meaning here and are left out. Speculative decoding's
 * verification tests ({@code -vd}) are Hearth's own: their JSON object adds n_draft and the cost in plain steps
 * (avg_cost, stddev_cost, samples_cost), which the markdown table shows as a second row.
 */
final class BenchReport {
    enum Format { MD, CSV, JSON, JSONL }

    /** What every test of one run shares: the model, the machine, the threads and batch. */
    record Setup(String modelFilename, String modelType, long modelSize, long modelParams, int batch, int threads, String cpu, String build) {}

    /**
     * One test: its name in the table ("pp512", "tg128 @ d2048", "tg16 vd8"), its token counts, the nanoseconds of each
     * timed repetition and the units each did (tokens; for a verification test, steps), and for a verification test the
     * number of drafts and each repetition's cost in plain steps (else 0 and an empty array).
     */
    record Test(String name, int nPrompt, int nGen, int nDepth, CacheOptions cache, String time, long[] nanos, double units,
                int drafts, double[] cost) {
        double[] nanoseconds() {
            return Arrays.stream(nanos).asDoubleStream().toArray();
        }

        double[] perSecond() {
            return Arrays.stream(nanos).mapToDouble(ns -> units / (ns / 1e9)).toArray();
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Format format;
    private final PrintStream out;
    private final Setup setup;
    private boolean first = true;

    BenchReport(Format format, PrintStream out, Setup setup) {
        this.format = format;
        this.out = out;
        this.setup = setup;
    }

    /** The {@code -o} value: md, csv, json or jsonl (llama-bench's names; its sql is not offered). */
    static Format format(String name) {
        return switch (name.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "md" -> Format.MD;
            case "csv" -> Format.CSV;
            case "json" -> Format.JSON;
            case "jsonl" -> Format.JSONL;
            default -> throw new IllegalArgumentException("-o must be md, csv, json or jsonl, got '" + name + "'");
        };
    }

    void begin() {
        switch (format) {
            case MD -> {
                out.println("| model                          |       size |     params | backend    | threads | type_k | type_v | fa |            test |                  t/s |");
                out.println("| ------------------------------ | ---------: | ---------: | ---------- | ------: | -----: | -----: | -: | --------------: | -------------------: |");
            }
            case CSV -> out.println(FIELDS.stream().map(Field::name).collect(Collectors.joining(",")));
            case JSON -> out.print("[");
            case JSONL -> { }
        }
        out.flush();
    }

    void add(Test t) {
        switch (format) {
            case MD -> {
                row(t, t.name(), t.perSecond());
                if (t.drafts() > 0) row(t, t.name() + " cost", t.cost());
            }
            case CSV -> out.println(fields(t).values().stream().map(v -> v == null ? "" : '"' + String.valueOf(v).replace("\"", "\"\"") + '"')
                    .collect(Collectors.joining(",")));
            case JSON -> {
                out.print(first ? "\n  " : ",\n  ");
                out.print(json(object(t), true).replace("\n", "\n  "));
            }
            case JSONL -> out.println(json(object(t), false));
        }
        first = false;
        out.flush();
    }

    void end() {
        if (format == Format.JSON) out.println(first ? "]" : "\n]");
        out.flush();
    }

    /** A field CSV and JSON share: its llama-bench name, and its value for one test of the run (null: none, for this test). */
    private record Field(String name, BiFunction<Setup, Test, Object> value) {}

    /** The fields, in llama-bench's order; the last three are verification's own. */
    private static final List<Field> FIELDS = List.of(
            new Field("build_commit", (s, t) -> s.build()),
            new Field("cpu_info", (s, t) -> s.cpu()),
            new Field("backends", (s, t) -> "CPU"),
            new Field("model_filename", (s, t) -> s.modelFilename()),
            new Field("model_type", (s, t) -> s.modelType()),
            new Field("model_size", (s, t) -> s.modelSize()),
            new Field("model_n_params", (s, t) -> s.modelParams()),
            new Field("n_batch", (s, t) -> s.batch()),
            new Field("n_ubatch", (s, t) -> s.batch()),
            new Field("n_threads", (s, t) -> s.threads()),
            new Field("type_k", (s, t) -> t.cache().typeK().flagName()),
            new Field("type_v", (s, t) -> t.cache().typeV().flagName()),
            new Field("flash_attn", (s, t) -> t.cache().flashAttention() ? 1 : 0),
            new Field("n_prompt", (s, t) -> t.nPrompt()),
            new Field("n_gen", (s, t) -> t.nGen()),
            new Field("n_depth", (s, t) -> t.nDepth()),
            new Field("n_draft", (s, t) -> t.drafts()),
            new Field("test_time", (s, t) -> t.time()),
            new Field("avg_ns", (s, t) -> Math.round(mean(t.nanoseconds()))),
            new Field("stddev_ns", (s, t) -> Math.round(sd(t.nanoseconds()))),
            new Field("avg_ts", (s, t) -> mean(t.perSecond())),
            new Field("stddev_ts", (s, t) -> sd(t.perSecond())),
            new Field("avg_cost", (s, t) -> t.drafts() > 0 ? mean(t.cost()) : null),
            new Field("stddev_cost", (s, t) -> t.drafts() > 0 ? sd(t.cost()) : null));

    /** Test t's fields, by name, in {@link #FIELDS}' order. */
    private Map<String, Object> fields(Test t) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Field f : FIELDS) m.put(f.name(), f.value().apply(setup, t));
        return m;
    }

    /** A test as JSON: the fields, then the samples, as llama-bench's json printer has them; verification's only where it has them. */
    private Map<String, Object> object(Test t) {
        Map<String, Object> m = fields(t);
        if (t.drafts() == 0) {
            m.remove("n_draft");
            m.remove("avg_cost");
            m.remove("stddev_cost");
        }
        m.put("samples_ns", t.nanos());
        m.put("samples_ts", t.perSecond());
        if (t.drafts() > 0) m.put("samples_cost", t.cost());
        return m;
    }

    private static String json(Object o, boolean pretty) {
        try {
            return pretty ? JSON.writer().with(SerializationFeature.INDENT_OUTPUT).writeValueAsString(o) : JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private void row(Test t, String name, double[] r) {
        long bytes = setup.modelSize(), params = setup.modelParams();
        String size = bytes >= (1L << 30) ? String.format("%.2f GiB", bytes / (double) (1L << 30)) : String.format("%.2f MiB", bytes / (double) (1L << 20));
        String ps = params >= 1_000_000_000L ? String.format("%.2f B", params / 1e9) : params >= 1_000_000 ? String.format("%.2f M", params / 1e6) : String.format("%.2f K", params / 1e3);
        CacheOptions o = t.cache();
        out.printf("| %-30s | %10s | %10s | %-10s | %7d | %6s | %6s | %2d | %15s | %20s |%n",
                setup.modelType(), size, ps, "CPU", setup.threads(), o.typeK().flagName(), o.typeV().flagName(), o.flashAttention() ? 1 : 0, name,
                String.format("%.2f ± %.2f", mean(r), sd(r)));
    }

    static double mean(double[] r) {
        double mean = 0;
        for (double x : r) mean += x;
        return r.length == 0 ? 0 : mean / r.length;
    }

    /** The sample standard deviation (n − 1), as llama-bench's; 0 for one sample. */
    static double sd(double[] r) {
        if (r.length < 2) return 0;
        double mean = mean(r), var = 0;
        for (double x : r) var += (x - mean) * (x - mean);
        return Math.sqrt(var / (r.length - 1));
    }
}
