package dev.hearth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hearth command end to end, in-process: stdout, stderr and exit codes. */
class CliTest {
    static final String STORIES = "../models/stories260K.gguf";
    static final Path GREEDY = Path.of("../hearth-core/src/test/resources/golden/greedy");

    @TempDir Path tmp;

    record Result(int code, String out, String err) {}

    static synchronized Result hearth(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = Main.execute(args);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void runPrintsLlamaCppsGreedyText() throws IOException {
        // llama.cpp: llama-simple -m stories260K.gguf -n 60 "Once upon a time" (committed output)
        String expected = Files.readString(GREEDY.resolve("stories260K.llama-simple.txt"));
        Result r = hearth("run", "-m", STORIES, "-p", "Once upon a time", "-n", "60", "--temp", "0", "-t", "2");
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo(expected);
        assertThat(r.err()).contains("prompt eval: 5 tokens").contains("generation:  60 tokens");
    }

    @Test
    void promptLookupDecodingPrintsTheSameText() throws IOException {
        // every draft found verified: the text is still llama.cpp's, and some drafts were accepted
        String expected = Files.readString(GREEDY.resolve("stories260K.llama-simple.txt"));
        Result r = hearth("run", "-m", STORIES, "-p", "Once upon a time", "-n", "60", "--temp", "0", "-t", "2",
                "--spec-policy", "always", "--spec-ngram-size-n", "2");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo(expected);
        assertThat(r.err()).containsPattern("drafts: +[0-9]+ of [1-9][0-9]* accepted");
        // a prompt whose story the model partly tells again: drafts accepted, the same text as without them
        String story = "Once upon a time, there was a little girl named Lily. She loved to play outside in the park. One day, she saw a big, red ball.\n"
                + "Once upon a time, there was a little girl named Lily. She loved to";
        Result plain = hearth("run", "-m", STORIES, "-p", story, "-n", "150", "--temp", "0", "--spec-type", "none");
        Result spec = hearth("run", "-m", STORIES, "-p", story, "-n", "150", "--temp", "0", "--spec-policy", "always");
        assertThat(spec.out()).isEqualTo(plain.out());
        assertThat(plain.err()).doesNotContain("drafts:");
        assertThat(spec.err()).containsPattern("drafts: +[1-9][0-9]* of [1-9][0-9]* accepted");
        Result bad = hearth("run", "-m", STORIES, "-n", "4", "--spec-type", "eagle");
        assertThat(bad.code()).isNotZero();
        assertThat(bad.err().strip()).isEqualTo("hearth: --spec-type must be none or ngram-simple, got 'eagle'");
    }

    @Test
    void runOnTheF16ModelPrintsLlamaCppsText() throws IOException {
        String expected = Files.readString(GREEDY.resolve("llama-2-tiny-random.llama-simple.txt"));
        Result r = hearth("run", "-m", "../hearth-core/src/test/resources/models/llama-2-tiny-random.gguf",
                "-p", "Once upon a time", "-n", "60", "--temp", "0");
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo(expected);
    }

    @Test
    void seededSamplingGivesLlamaCppsText() throws IOException {
        // llama-completion -m stories260K.gguf -p "Once upon a time" -n 30 --temp 0.8 --seed 42 -no-cnv (committed output)
        String expected = Files.readString(GREEDY.resolve("stories260K.seed42-temp0.8.llama-completion.txt")).strip();
        Result r = hearth("run", "-m", STORIES, "-p", "Once upon a time", "-n", "30", "--temp", "0.8", "--seed", "42");
        assertThat(r.code()).isZero();
        assertThat(r.out().replace("<s>", "").strip()).isEqualTo(expected);
    }

    @Test
    void seededSamplingIsReproducible() {
        Result a = hearth("run", "-m", STORIES, "-p", "Once upon a time", "-n", "30", "--temp", "0.9", "--seed", "7");
        Result b = hearth("run", "-m", STORIES, "-p", "Once upon a time", "-n", "30", "--temp", "0.9", "--seed", "7");
        assertThat(a.code()).isZero();
        assertThat(a.out()).isEqualTo(b.out()).startsWith("<s> Once upon a time");
    }

    @Test
    void logitsMatchesRefLogitsFormat() throws IOException {
        Result r = hearth("logits", "-m", STORIES, "-p", "Once upon a time", "-n", "2", "-k", "3");
        assertThat(r.code()).isZero();
        String[] lines = r.out().split("\n");
        assertThat(lines).hasSize(4);
        assertThat(lines[0]).isEqualTo("{\"prompt_tokens\":[1,403,407,261,378],\"n_vocab\":512}");
        assertThat(lines[1]).matches("\\{\"step\":0,\"argmax\":432,\"top\":\\[\\[432,17\\.79\\d+],\\[383,14\\.28\\d+],\\[322,9\\.709\\d+]]}");
        assertThat(lines[3]).isEqualTo("{\"generated\":[432,383]}");
    }

    @Test
    void inspectShowsMetadataAndTensors() {
        Result r = hearth("inspect", STORIES);
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("general.architecture").contains("llama")
                .contains("token_embd.weight").contains("[64, 512]").contains("48 tensors");
    }

    @Test
    void benchPrintsALlamaBenchTable() {
        Result r = hearth("bench", "-m", STORIES, "-p", "32", "-n", "8", "-r", "2");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("| model").contains("pp32").contains("tg8").contains("±");
    }

    @Test
    void benchRunsEveryAttentionCombinationAndPromptPlusGeneration() {
        Result r = hearth("bench", "--no-warmup", "-m", STORIES, "-p", "16", "-n", "0", "-pg", "8,4", "-r", "1", "-fa", "0,1");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("|    f16 |    f16 |  0 |            pp16 |").contains("|    f16 |    f16 |  1 |         pp8+tg4 |");
        Result bad = hearth("bench", "--no-warmup", "-m", STORIES, "-p", "16", "-n", "0", "-fa", "0", "-ctv", "q8_0");
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.err().strip()).startsWith("hearth: quantized V cache requires flash attention").doesNotContain("\n");
        // stories260K's heads have 8 values: not a whole Q8_0 block (llama.cpp refuses it the same way)
        Result q8 = hearth("run", "-m", STORIES, "-n", "1", "-ctk", "q8_0");
        assertThat(q8.code()).isEqualTo(1);
        assertThat(q8.err().strip()).endsWith("hearth: K cache type q8_0 with block size 32 does not divide the head size 8");
    }

    @Test
    void benchRunsEachTestAtEachDepth() {
        Result r = hearth("bench", "--no-warmup", "-m", STORIES, "-p", "8", "-n", "4", "-d", "0,20", "-r", "1");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("|             pp8 |").contains("|             tg4 |")
                .contains("|       pp8 @ d20 |").contains("|       tg4 @ d20 |");
        Result bad = hearth("bench", "--no-warmup", "-m", STORIES, "-p", "8", "-n", "0", "-d", "-1");
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.err().strip()).isEqualTo("hearth: -d takes token counts of at least 0, got -1");
    }

    /**
     * -vd D: steps of one token plus D drafts, each after a plain step timed apart; two rows, the verification steps/s
     * and their cost in plain steps (a positive number: both kinds of step were timed).
     */
    @Test
    void benchTimesVerificationStepsBesidePlainOnes() {
        Result r = hearth("bench", "--no-warmup", "-m", STORIES, "-p", "0", "-n", "4", "-vd", "3", "-r", "2");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("|             tg4 |").contains("|         tg4 vd3 |");
        java.util.regex.Matcher cost = java.util.regex.Pattern.compile("\\|    tg4 vd3 cost \\| +([0-9.]+) ± ([0-9.]+) \\|").matcher(r.out());
        assertThat(cost.find()).as(r.out()).isTrue();
        assertThat(Double.parseDouble(cost.group(1))).isPositive().isFinite();
        Result bad = hearth("bench", "--no-warmup", "-m", STORIES, "-p", "0", "-n", "4", "-vd", "0");
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.err().strip()).isEqualTo("hearth: -vd takes draft counts of at least 1, got 0");
    }

    /**
     * -o json/jsonl/csv: llama-bench's field names and meanings (avg_ts the mean of samples_ts, each sample the test's
     * tokens over its nanoseconds), one object per test, verification's cost beside its steps/s.
     */
    @Test
    void benchWritesLlamaBenchsJsonJsonlAndCsv() throws IOException {
        ObjectMapper json = new ObjectMapper();
        Result r = hearth("bench", "--no-warmup", "-m", STORIES, "-p", "16", "-n", "4", "-vd", "2", "-r", "3", "-t", "2", "-o", "json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode tests = json.readTree(r.out());
        assertThat(tests.isArray()).isTrue();
        assertThat(tests.size()).isEqualTo(3);
        JsonNode pp = tests.get(0), tg = tests.get(1), vd = tests.get(2);
        assertThat(pp.get("model_filename").asText()).isEqualTo("stories260K.gguf");
        assertThat(pp.get("n_threads").asInt()).isEqualTo(2);
        assertThat(pp.get("type_k").asText()).isEqualTo("f16");
        assertThat(List.of(pp.get("n_prompt").asInt(), pp.get("n_gen").asInt(), tg.get("n_prompt").asInt(), tg.get("n_gen").asInt()))
                .containsExactly(16, 0, 0, 4);
        assertThat(pp.get("test_time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        for (JsonNode t : List.of(pp, tg)) {
            assertThat(t.get("samples_ns").size()).isEqualTo(3);
            double sum = 0, nsSum = 0;
            for (int i = 0; i < 3; i++) {
                long ns = t.get("samples_ns").get(i).asLong();
                double ts = t.get("samples_ts").get(i).asDouble();
                assertThat(ns).isPositive();
                assertThat(ts).isCloseTo((t.get("n_prompt").asInt() + t.get("n_gen").asInt()) / (ns / 1e9), Percentage.withPercentage(1e-9));
                sum += ts;
                nsSum += ns;
            }
            assertThat(t.get("avg_ts").asDouble()).isCloseTo(sum / 3, Percentage.withPercentage(1e-9));
            assertThat(t.get("avg_ns").asLong()).isEqualTo(Math.round(nsSum / 3));
            assertThat(t.has("n_draft")).isFalse();
        }
        assertThat(vd.get("n_draft").asInt()).isEqualTo(2);
        assertThat(vd.get("samples_cost").size()).isEqualTo(3);
        assertThat(vd.get("avg_cost").asDouble()).isPositive();

        Result lines = hearth("bench", "--no-warmup", "-m", STORIES, "-p", "8", "-n", "2", "-r", "1", "-o", "jsonl");
        assertThat(lines.code()).as(lines.err()).isZero();
        String[] objects = lines.out().strip().split("\n");
        assertThat(objects).hasSize(2);
        assertThat(json.readTree(objects[1]).get("n_gen").asInt()).isEqualTo(2);

        Result csv = hearth("bench", "--no-warmup", "-m", STORIES, "-p", "8", "-n", "2", "-r", "1", "-o", "csv");
        assertThat(csv.code()).as(csv.err()).isZero();
        String[] rows = csv.out().strip().split("\n");
        assertThat(rows).hasSize(3);
        List<String> header = List.of(rows[0].split(","));
        assertThat(header).startsWith("build_commit").contains("n_prompt", "avg_ts", "stddev_ts");
        String[] pp8 = rows[1].split(",", -1);
        assertThat(pp8).hasSize(header.size());
        assertThat(pp8[header.indexOf("n_prompt")]).isEqualTo("\"8\"");
        assertThat(pp8[header.indexOf("model_filename")]).isEqualTo("\"stories260K.gguf\"");

        Result bad = hearth("bench", "--no-warmup", "-m", STORIES, "-p", "8", "-o", "xml");
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.err().strip()).isEqualTo("hearth: -o must be md, csv, json or jsonl, got 'xml'");
        assertThat(bad.out()).isEmpty();
    }

    @Test
    void malformedFileIsOneLineAndNonZeroExit() throws IOException {
        Path bad = tmp.resolve("bad.gguf");
        Files.write(bad, "GGUF\u0003\u0000\u0000\u0000".getBytes(StandardCharsets.ISO_8859_1));
        for (String cmd : new String[] {"run", "inspect"}) {
            Result r = cmd.equals("run") ? hearth("run", "-m", bad.toString(), "-n", "1") : hearth("inspect", bad.toString());
            assertThat(r.code()).as(cmd).isEqualTo(1);
            assertThat(r.err().strip()).as(cmd).startsWith("hearth: " + bad).contains("truncated header").doesNotContain("\n").doesNotContain("Exception");
        }
    }

    @Test
    void templateRendersWithTheFallbackAndNamedTemplates() throws IOException {
        Path conv = tmp.resolve("conv.json");
        Files.writeString(conv, "[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"Hello\"}]");
        Result chatml = hearth("template", "-m", STORIES, "--messages", conv.toString());
        assertThat(chatml.code()).isZero();
        assertThat(chatml.out()).isEqualTo("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHello<|im_end|>\n<|im_start|>assistant\n");
        assertThat(chatml.err()).contains("no chat template");
        // Gemma has no system role: llama.cpp merges the system prompt into the first user turn
        Result gemma = hearth("template", "-m", STORIES, "--messages", conv.toString(), "--chat-template", "gemma");
        assertThat(gemma.out()).isEqualTo("<s><start_of_turn>user\nBe brief.\nHello<end_of_turn>\n<start_of_turn>model\n");
        Path bad = tmp.resolve("bad.json");
        Files.writeString(bad, "{\"messages\": [");
        Result r = hearth("template", "-m", STORIES, "--messages", bad.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("not valid JSON");
    }

    @Test
    void tokenizePrintsLlamaTokenizesIds() {
        // llama-tokenize on stories260K: "Once upon a time" -> [1, 403, 407, 261, 378] (../shared/models/reference)
        Result r = hearth("tokenize", "-m", STORIES, "--ids", "Once upon a time");
        assertThat(r.code()).isZero();
        assertThat(r.out().strip()).isEqualTo("[1, 403, 407, 261, 378]");
    }

    @Test
    void serveRefusesWhatItCannotDo() {
        // stories260K's heads have 8 values, not a whole Q8_0 block: refused as llama.cpp refuses it
        Result q8 = hearth("serve", "-m", STORIES, "-ctk", "q8_0", "--port", "0");
        assertThat(q8.code()).isEqualTo(1);
        assertThat(q8.err()).contains("K cache type q8_0 with block size 32 does not divide the head size 8");
        Result q4 = hearth("serve", "-m", STORIES, "-ctk", "q4_0", "--port", "0");
        assertThat(q4.code()).isEqualTo(1);
        assertThat(q4.err()).contains("KV cache type 'q4_0' is not supported by Hearth (supported: f16, q8_0)");
        Result port = hearth("serve", "-m", STORIES, "--port", "99999");
        assertThat(port.code()).isEqualTo(1);
        assertThat(port.err()).contains("--port must be between 0 and 65535, got 99999");
        Result v8 = hearth("serve", "-m", STORIES, "-fa", "off", "-ctv", "q8_0", "--port", "0");
        assertThat(v8.code()).isEqualTo(1);
        assertThat(v8.err()).contains("quantized V cache requires flash attention");
        assertThat(hearth("serve", "-np", "0").code()).isEqualTo(1);
        assertThat(hearth("serve", "-m", STORIES, "--chat-template", "llama99", "--port", "0").err()).contains("unknown chat template 'llama99'");
        Result missing = hearth("serve", "-m", tmp.resolve("missing.gguf").toString(), "--port", "0");
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).contains("no such file");
        assertThat(hearth("serve", "--help").out()).contains("--api-key", "LLAMA_ARG_PORT");
    }

    @Test
    void badOptionsAreUsageErrors() {
        assertThat(hearth("run", "-m", STORIES, "-n", "-5").code()).isEqualTo(1);
        assertThat(hearth("run", "--no-such-option").code()).isEqualTo(2);
        Result missing = hearth("run", "-m", tmp.resolve("missing.gguf").toString());
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).contains("no such file");
    }
}
