package dev.hearth.model;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * llama.cpp's logits as printed by its reference tool {@code ref-logits} (JSON lines), and the
 * comparison of ../shared/ref/README.md: top-1 agreement, agreement where llama.cpp's top-1 leads
 * its second by at least 2, and mean KL(llama.cpp ‖ Hearth) over llama.cpp's top-k ids.
 */
record GoldenLogits(int vocab, TreeMap<Integer, Step> steps) {
    record Step(int step, int argmax, int[] ids, double[] logits) {}

    record Agreement(int positions, double top1, int confidentPositions, double confidentTop1, double meanKl) {
        @Override
        public String toString() {
            return String.format("%d positions: top-1 %.2f%%, where llama.cpp leads by >= 2: %d positions %.2f%%, mean KL %.3g",
                    positions, 100 * top1, confidentPositions, 100 * confidentTop1, meanKl);
        }
    }

    private static final Pattern STEP = Pattern.compile("\\{\"step\":(-?\\d+),\"argmax\":(\\d+),\"top\":\\[(.*)]}");
    private static final Pattern PAIR = Pattern.compile("\\[(\\d+),([^\\]]+)]");
    private static final Pattern VOCAB = Pattern.compile("\"n_vocab\":(\\d+)");

    /** The golden file {@code gz} (gzipped ref-logits output). */
    static GoldenLogits read(java.nio.file.Path gz) throws IOException {
        try (InputStream in = java.nio.file.Files.newInputStream(gz)) {
            return read(in);
        }
    }

    /** The teacher-forced token ids every golden set was computed on ({@code ids.txt}: comma separated). */
    static int[] ids(java.nio.file.Path file) throws IOException {
        return java.util.Arrays.stream(java.nio.file.Files.readString(file).trim().split(",")).mapToInt(Integer::parseInt).toArray();
    }

    /** llama.cpp's own -fa 1 vs -fa 0 mean KL, from a {@code .noise.json} written by compare_logits.py. */
    static double noiseKl(java.nio.file.Path noiseJson) throws IOException {
        return noiseField(noiseJson, "mean_kl");
    }

    /**
     * How often llama.cpp's own {@code -fa 1} keeps the top-1 of {@code -fa 0} at the confident positions:
     * 1.0 on every file except where a random MoE router packs experts within float noise of a tie.
     */
    static double noiseConfidentTop1(java.nio.file.Path noiseJson) throws IOException {
        return noiseField(noiseJson, "confident_top1");
    }

    private static double noiseField(java.nio.file.Path noiseJson, String key) throws IOException {
        return Double.parseDouble(java.nio.file.Files.readString(noiseJson).replaceAll(".*\"" + key + "\": ([^,}]+).*\\s*", "$1"));
    }

    /** The names of the files in {@code dir} ending in {@code suffix}, the suffix cut off, sorted. */
    static java.util.stream.Stream<String> names(java.nio.file.Path dir, String suffix) throws IOException {
        try (java.util.stream.Stream<java.nio.file.Path> s = java.nio.file.Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(suffix))
                    .map(n -> n.substring(0, n.length() - suffix.length())).sorted().toList().stream();
        }
    }

    static GoldenLogits read(InputStream gz) throws IOException {
        TreeMap<Integer, Step> steps = new TreeMap<>();
        int vocab = -1;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(gz), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                Matcher v = VOCAB.matcher(line);
                if (v.find()) vocab = Integer.parseInt(v.group(1));
                Matcher m = STEP.matcher(line);
                if (!m.matches()) continue;
                List<int[]> ids = new ArrayList<>();
                List<Double> logits = new ArrayList<>();
                Matcher p = PAIR.matcher(m.group(3));
                while (p.find()) {
                    ids.add(new int[] {Integer.parseInt(p.group(1))});
                    logits.add(Double.parseDouble(p.group(2)));
                }
                int[] idArr = ids.stream().mapToInt(a -> a[0]).toArray();
                double[] lArr = logits.stream().mapToDouble(Double::doubleValue).toArray();
                int step = Integer.parseInt(m.group(1));
                steps.put(step, new Step(step, Integer.parseInt(m.group(2)), idArr, lArr));
            }
        }
        return new GoldenLogits(vocab, steps);
    }

    /** Compares with Hearth's logits of every position, row-major ({@code positions × vocab}); steps map to rows in order. */
    Agreement compare(float[] hearth) {
        int n = 0, agree = 0, confident = 0, confidentAgree = 0;
        double kl = 0;
        int row = 0;
        for (Step s : steps.values()) {
            int base = row++ * vocab;
            int best = 0;
            for (int i = 1; i < vocab; i++) if (hearth[base + i] > hearth[base + best]) best = i;
            n++;
            if (best == s.argmax) agree++;
            if (s.logits[0] - s.logits[1] >= 2) {
                confident++;
                if (best == s.argmax) confidentAgree++;
            }
            double[] q = new double[s.ids.length];
            for (int i = 0; i < q.length; i++) q[i] = hearth[base + s.ids[i]];
            kl += kl(softmax(s.logits), softmax(q));
        }
        return new Agreement(n, agree / (double) n, confident, confident == 0 ? 1 : confidentAgree / (double) confident, kl / n);
    }

    static double[] softmax(double[] v) {
        double max = Double.NEGATIVE_INFINITY;
        for (double x : v) max = Math.max(max, x);
        double sum = 0;
        double[] e = new double[v.length];
        for (int i = 0; i < v.length; i++) sum += e[i] = Math.exp(v[i] - max);
        for (int i = 0; i < v.length; i++) e[i] /= sum;
        return e;
    }

    static double kl(double[] p, double[] q) {
        double s = 0;
        for (int i = 0; i < p.length; i++) if (p[i] > 0) s += p[i] * Math.log(p[i] / q[i]);
        return s;
    }
}
