package dev.hearth.cli;

import dev.hearth.chat.ChatTemplates;
import dev.hearth.sampling.SamplingSettings;
import dev.hearth.server.HearthServer;
import dev.hearth.server.ServerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code hearth serve}: llama-server's flags, and its {@code LLAMA_ARG_*} environment variables as
 * defaults. Prints the URL once listening; Ctrl-C stops generating (open streams get an error
 * event) and then the HTTP server.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Serve a model over llama-server's HTTP API (OpenAI and llama.cpp routes, chat page).")
final class ServeCommand implements Callable<Integer> {
    @Mixin ModelOptions modelOptions;

    @Option(names = "--host", defaultValue = "${env:LLAMA_ARG_HOST:-127.0.0.1}", description = "address to listen on (default ${DEFAULT-VALUE}; env LLAMA_ARG_HOST)") String host;
    @Option(names = "--port", defaultValue = "${env:LLAMA_ARG_PORT:-8080}", description = "port (default ${DEFAULT-VALUE}; env LLAMA_ARG_PORT)") int port;
    @Option(names = {"-c", "--ctx-size"}, defaultValue = "${env:LLAMA_ARG_CTX_SIZE:-4096}", description = "total context, split over the slots; 0 = the model's trained context (default ${DEFAULT-VALUE}; env LLAMA_ARG_CTX_SIZE)") int ctx;
    @Option(names = {"-np", "--parallel"}, defaultValue = "${env:LLAMA_ARG_N_PARALLEL:-1}", description = "number of slots (default ${DEFAULT-VALUE}; env LLAMA_ARG_N_PARALLEL)") int parallel;
    @Option(names = {"-b", "--batch-size"}, defaultValue = "${env:LLAMA_ARG_BATCH:-512}", description = "most tokens fed per step (default ${DEFAULT-VALUE}; env LLAMA_ARG_BATCH)") int batch;
    @Mixin CacheFlags cacheFlags;
    @Mixin SpecFlags specFlags;
    @Option(names = "--api-key", split = ",", description = "accepted API key(s), comma separated (env LLAMA_API_KEY)") List<String> apiKeys = new ArrayList<>();
    @Option(names = "--api-key-file", description = "file with one API key per line (env LLAMA_ARG_API_KEY_FILE)") Path apiKeyFile;
    @Option(names = {"-a", "--alias"}, defaultValue = "${env:LLAMA_ARG_ALIAS}", description = "model name to report (default: the file name; env LLAMA_ARG_ALIAS)") String alias;
    @Option(names = "--no-webui", description = "do not serve the chat page (env LLAMA_ARG_NO_WEBUI)") boolean noWebui;
    @Option(names = "--metrics", description = "enable /metrics (env LLAMA_ARG_ENDPOINT_METRICS)") boolean metrics;
    @Option(names = "--chat-template", defaultValue = "${env:LLAMA_ARG_CHAT_TEMPLATE}", description = "chat template: a built-in name (chatml, llama3, gemma, phi3, mistral-v3-tekken, qwen2.5, ...) or a Jinja template (env LLAMA_ARG_CHAT_TEMPLATE)") String chatTemplate;
    @Option(names = "--chat-template-file", defaultValue = "${env:LLAMA_ARG_CHAT_TEMPLATE_FILE}", description = "file with a Jinja chat template (env LLAMA_ARG_CHAT_TEMPLATE_FILE)") Path chatTemplateFile;
    @Option(names = "--spm-infill", description = "suffix/prefix/middle order for /infill (some models want it)") boolean spmInfill;
    @Option(names = {"-n", "--n-predict"}, defaultValue = "${env:LLAMA_ARG_N_PREDICT:--1}", description = "default tokens to generate, -1 = unlimited (default ${DEFAULT-VALUE}; env LLAMA_ARG_N_PREDICT)") int nPredict;
    @Option(names = "--temp", description = "default temperature (0.8)") Float temp;
    @Option(names = "--top-k", description = "default top-k (40)") Integer topK;
    @Option(names = "--top-p", description = "default top-p (0.95)") Float topP;
    @Option(names = "--min-p", description = "default min-p (0.05)") Float minP;
    @Option(names = "--typical", description = "default typical-p (1 = off)") Float typical;
    @Option(names = "--repeat-penalty", description = "default repeat penalty (1 = off)") Float repeatPenalty;
    @Option(names = "--repeat-last-n", description = "default tokens the penalties look back on (64)") Integer repeatLastN;
    @Option(names = "--presence-penalty", description = "default presence penalty (0)") Float presencePenalty;
    @Option(names = "--frequency-penalty", description = "default frequency penalty (0)") Float frequencyPenalty;
    @Option(names = "--mirostat", description = "default mirostat mode 0/1/2") Integer mirostat;
    @Option(names = {"-s", "--seed"}, description = "default seed (-1 = random)") Long seed;
    @Option(names = "--max-body", defaultValue = "10485760", description = "largest accepted request body in bytes (default ${DEFAULT-VALUE})") long maxBody;

    @Override
    public Integer call() throws Exception {
        dev.hearth.model.CacheOptions cache = cacheFlags.options();
        dev.hearth.engine.Speculation speculation = specFlags.options();
        if (parallel < 1) throw new IllegalArgumentException("-np must be 1 or more");
        if (ctx < 0) throw new IllegalArgumentException("-c must be 0 or more");
        if (nPredict < -1) throw new IllegalArgumentException("-n must be -1 or more");
        if (port < 0 || port > 65535) throw new IllegalArgumentException("--port must be between 0 and 65535, got " + port);
        Path model = modelOptions.model == null && System.getenv("LLAMA_ARG_MODEL") != null
                ? Path.of(System.getenv("LLAMA_ARG_MODEL")) : modelOptions.modelPath();
        int threads = modelOptions.threads == null && System.getenv("LLAMA_ARG_THREADS") != null
                ? Integer.parseInt(System.getenv("LLAMA_ARG_THREADS")) : modelOptions.threadCount();

        List<String> keys = new ArrayList<>(apiKeys);
        if (keys.isEmpty() && System.getenv("LLAMA_API_KEY") != null) keys.addAll(Arrays.asList(System.getenv("LLAMA_API_KEY").split(",")));
        Path keyFile = apiKeyFile != null ? apiKeyFile : System.getenv("LLAMA_ARG_API_KEY_FILE") != null ? Path.of(System.getenv("LLAMA_ARG_API_KEY_FILE")) : null;
        if (keyFile != null) for (String line : read(keyFile).split("\n")) if (!line.isBlank()) keys.add(line.strip());

        String template = null;
        if (chatTemplateFile != null) template = read(chatTemplateFile);
        else if (chatTemplate != null) {
            boolean jinja = chatTemplate.contains("{{") || chatTemplate.contains("{%");
            // a bare word is a built-in template's name (ChatTemplates.NAMES; an unknown one lists them)
            template = jinja ? chatTemplate : ChatTemplates.named(chatTemplate).source();
        }

        SamplingSettings s = new SamplingSettings();
        if (temp != null) s.temperature = temp;
        if (topK != null) s.topK = topK;
        if (topP != null) s.topP = topP;
        if (minP != null) s.minP = minP;
        if (typical != null) s.typicalP = typical;
        if (repeatPenalty != null) s.penaltyRepeat = repeatPenalty;
        if (repeatLastN != null) s.penaltyLastN = repeatLastN;
        if (presencePenalty != null) s.penaltyPresent = presencePenalty;
        if (frequencyPenalty != null) s.penaltyFrequency = frequencyPenalty;
        if (mirostat != null) s.mirostat = mirostat;
        if (seed != null) s.seed = seed == -1 ? SamplingSettings.RANDOM_SEED : seed;
        boolean webui = !noWebui && System.getenv("LLAMA_ARG_NO_WEBUI") == null;
        boolean metricsOn = metrics || "1".equals(System.getenv("LLAMA_ARG_ENDPOINT_METRICS")) || "true".equals(System.getenv("LLAMA_ARG_ENDPOINT_METRICS"));

        ServerConfig cfg = new ServerConfig(model, host, port, ctx, parallel, threads, batch, keys, alias, webui, metricsOn,
                template, spmInfill, maxBody, nPredict, s, cache, speculation);
        HearthServer server = new HearthServer(cfg).start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("hearth: shutting down");
            server.close();
            stopped.countDown();
        }));
        System.err.printf("hearth: listening on http://%s:%d (loading %s)%n", host, server.port(), model);
        try {
            server.awaitReady();
        } catch (RuntimeException e) {
            server.close(); // a model that cannot load ends the command, like llama-server
            throw e;
        }
        System.err.printf("hearth: model loaded, %d slot(s); open http://%s:%d in a browser to chat%n", parallel, host, server.port());
        stopped.await();
        return 0;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + p + ": " + e.getMessage());
        }
    }
}
