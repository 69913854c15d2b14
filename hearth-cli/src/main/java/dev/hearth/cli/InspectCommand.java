package dev.hearth.cli;

import dev.hearth.gguf.GgufArray;
import dev.hearth.gguf.GgufFile;
import dev.hearth.gguf.GgufFormatException;
import dev.hearth.model.Model;
import dev.hearth.gguf.Tensor;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "inspect", mixinStandardHelpOptions = true, description = "Print a GGUF file's metadata and tensor table.")
final class InspectCommand implements Callable<Integer> {
    @Parameters(paramLabel = "MODEL", description = "GGUF file")
    Path model;

    @Override
    public Integer call() {
        try (GgufFile f = GgufFile.open(model)) {
            System.out.printf("file: %s%nGGUF version %d, %d metadata keys, %d tensors, alignment %d, data at byte %d%n%n",
                    model, f.version(), f.metadata().size(), f.tensors().size(), f.alignment(), f.dataOffset());
            System.out.println("metadata:");
            for (Map.Entry<String, Object> e : f.metadata().entrySet())
                System.out.printf("  %-45s %-8s %s%n", e.getKey(), f.metadataType(e.getKey()), show(e.getValue()));
            System.out.printf("%ntensors:%n  %-36s %-6s %-22s %14s%n", "name", "type", "shape", "bytes");
            long total = 0;
            for (Tensor t : f.tensors().values()) {
                System.out.printf("  %-36s %-6s %-22s %14d%n", t.name(), t.type(), Arrays.toString(t.shape()), t.data().byteSize());
                total += t.data().byteSize();
            }
            System.out.printf("  %-66s %14d%n", "total", total);
            System.out.printf("%nmodel (as Hearth runs it):%n");
            try {
                Model.load(f).describe().forEach((k, v) -> System.out.printf("  %-28s %s%n", k + ":", v));
            } catch (GgufFormatException e) {
                System.out.println("  cannot run: " + e.getMessage());
            }
        }
        return 0;
    }

    private static String show(Object v) {
        if (v instanceof GgufArray a) {
            int n = Math.min(a.size(), 8);
            String head = switch (a.values()) {
                case String[] s -> Arrays.toString(Arrays.copyOf(s, n));
                case float[] x -> Arrays.toString(Arrays.copyOf(x, n));
                case long[] x -> Arrays.toString(Arrays.copyOf(x, n));
                default -> "";
            };
            return "[" + a.size() + " x " + a.elementType() + "] " + head + (a.size() > n ? " ..." : "");
        }
        String s = String.valueOf(v);
        s = s.replace("\n", "\\n");
        return s.length() > 120 ? s.substring(0, 117) + "..." : s;
    }
}
