package dev.hearth.cli;

import dev.hearth.model.RandomLlama;
import dev.hearth.model.RandomModel;
import dev.hearth.model.RandomMoe;
import dev.hearth.tensor.GgmlType;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Writes a seeded random-weight model, the same file the agreement tests build (developer tool). */
@Command(name = "testmodel", mixinStandardHelpOptions = true,
        description = "Write a seeded random-weight model (for comparing with llama.cpp).")
final class TestModelCommand implements Callable<Integer> {
    @Option(names = "--shape", description = "llama-tiny, llama-small-gqa, qwen2-tiny, qwen3-tiny, starcoder2-tiny, phi3-tiny, phi3-long, phi4-mini-tiny, gemma-tiny, gemma2-tiny, gemma3-tiny, granite-tiny, granite3-tiny, olmo2-tiny, command-r-tiny, nemo-tiny, mixtral-tiny, mixtral-bench, mixtral-bench-dense, deepseek2-tiny, deepseek2-mla-tiny, deepseek2-v3-tiny, deepseek2-fused-tiny (default ${DEFAULT-VALUE})") String shape = "llama-tiny";
    @Option(names = "--type", description = "weight type: F32 F16 BF16 Q4_0 Q4_1 Q5_0 Q5_1 Q8_0 Q2_K Q3_K Q4_K Q5_K Q6_K (default ${DEFAULT-VALUE})") String type = "F32";
    @Option(names = "--embd-type", description = "type of the token embedding and output (default: --type)") String embdType;
    @Option(names = "--seed", description = "random seed (default ${DEFAULT-VALUE})") long seed = 1234;
    @Option(names = {"-o", "--out"}, required = true, description = "output GGUF file") Path out;

    @Override
    public Integer call() {
        GgmlType t = parse(type);
        RandomModel.Shape other = RandomModel.shape(shape);
        if (other != null || RandomMoe.isShape(shape)) {
            if (embdType != null) throw new IllegalArgumentException("--embd-type applies to the llama shapes only");
            if (other != null) RandomModel.write(other, t, seed, out);
            else RandomMoe.write(shape, t, seed, out);
        } else {
            RandomLlama.write(RandomLlama.shape(shape), t, embdType == null ? t : parse(embdType), seed, out);
        }
        System.err.println("wrote " + out);
        return 0;
    }

    private static GgmlType parse(String name) {
        try {
            return GgmlType.valueOf(name.toUpperCase());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown weight type '" + name + "'");
        }
    }
}
