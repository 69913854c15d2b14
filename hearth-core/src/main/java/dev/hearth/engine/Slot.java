package dev.hearth.engine;

import dev.hearth.model.Session;
import dev.hearth.sampling.SamplerChain;
import dev.hearth.sampling.TokenProbability;
import dev.hearth.tokenizer.StreamingDetokenizer;
import dev.hearth.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One lane of the engine: a {@link Session} (its own KV cells), the tokens those cells hold (the
 * prompt cache) and, while busy, the state of the generation running on it. Touched only by the
 * scheduler thread, except {@link #snapshot()} readers, which see volatile-published copies.
 */
final class Slot {
    final int id;
    final Session session;
    /** tokens[0..cachedCount) are in the KV cache, in order. */
    private int[] cached = new int[256];
    private int cachedCount;
    long lastUsedNanos;

    // the running generation (null task = idle)
    EngineTask task;
    private int[] prompt;
    private int promptPos;
    private int cacheN;
    private SamplerChain sampler;
    private StreamingDetokenizer detokenizer;
    private StopStrings stops;
    private final StringBuilder generated = new StringBuilder();
    private int sent;
    private int nDecoded;
    private int nextToken = -1;
    private boolean hasNewLine;
    private int lineStart; // where the line after the last newline starts in the generated text
    private long tStart, tPromptDone;
    private final List<Integer> allTokens = new ArrayList<>();
    private final List<TokenProbs> allProbs = new ArrayList<>();
    private final List<Integer> pendingTokens = new ArrayList<>();
    private final List<TokenProbs> pendingProbs = new ArrayList<>();
    private final Speculation speculation;
    private final DraftCost draftCost;
    private Drafter drafter;
    private int draftCount; // drafts fed with nextToken in the current step
    /**
     * The logits that followed cached[0 .. promptLogitsAt) when the last prompt was evaluated (promptLogitsAt
     * &lt; 0: none). A request whose whole prompt is that prefix samples from them instead of evaluating its
     * last token again: a lone token's step rounds differently from the prompt batch that computed them
     * first, so two identical greedy requests could part ways at a near-tie.
     */
    private float[] promptLogits;
    private int promptLogitsAt = -1;
    private boolean promptLogitsPending; // the bound task's prompt is promptLogits' prefix: sample them, feed nothing
    volatile SlotSnapshot snapshot;

    Slot(int id, Session session) {
        this(id, session, Speculation.OFF, new DraftCost());
    }

    /** A slot that drafts with {@code speculation} (prompt lookup), learning its cost in {@code draftCost} (shared by the engine's slots). */
    Slot(int id, Session session, Speculation speculation, DraftCost draftCost) {
        this.id = id;
        this.session = session;
        this.speculation = speculation;
        this.draftCost = draftCost;
        publish();
    }

    int contextSize() { return session.contextSize(); }

    /** Length of the common prefix of this slot's cache and {@code tokens}. */
    int commonPrefix(int[] tokens) {
        int n = Math.min(cachedCount, tokens.length);
        int i = 0;
        while (i < n && cached[i] == tokens[i]) i++;
        return i;
    }

    boolean busy() { return task != null; }

    boolean prompting() { return promptPos < prompt.length; }

    /**
     * Binds a task: keeps the reusable cache prefix. At least one prompt token is evaluated, for its logits,
     * unless the whole prompt is the prefix the saved {@link #promptLogits} belong to.
     */
    void start(EngineTask t, Tokenizer tokenizer) {
        CompletionRequest r = t.request;
        task = t;
        prompt = r.prompt();
        int common = r.cachePrompt() ? commonPrefix(prompt) : 0;
        promptLogitsPending = common == prompt.length && promptLogitsAt == prompt.length && session.canTruncate(prompt.length);
        int keep = promptLogitsPending ? prompt.length : Math.min(common, prompt.length - 1);
        if (!session.canTruncate(keep)) keep = 0; // a sliding-window cache no longer holds what that prefix needs: evaluate it again
        if (keep < promptLogitsAt) promptLogitsAt = -1; // their prefix is about to be evaluated again
        session.truncate(keep);
        cachedCount = keep;
        promptPos = keep;
        cacheN = keep;
        sampler = new SamplerChain(r.sampling(), tokenizer.vocabularySize(), dev.hearth.sampling.TokenTexts.of(tokenizer));
        for (int tok : prompt) sampler.accept(tok);
        detokenizer = tokenizer.streamingDetokenizer(false);
        stops = new StopStrings(r.stop());
        generated.setLength(0);
        sent = 0;
        nDecoded = 0;
        nextToken = -1;
        hasNewLine = false;
        lineStart = -1;
        allTokens.clear();
        allProbs.clear();
        pendingTokens.clear();
        pendingProbs.clear();
        drafter = new Drafter(speculation, draftCost);
        draftCount = 0;
        tStart = System.nanoTime();
        tPromptDone = 0;
        lastUsedNanos = tStart;
        publish();
    }

    /**
     * The tokens this slot feeds in the next step: a prompt chunk of at most {@code budget}, or its last
     * sampled token followed by the drafts worth verifying (at most {@code budget - 1} of them).
     */
    int[] nextInput(int budget) {
        if (prompting()) {
            int n = Math.min(budget, prompt.length - promptPos);
            return Arrays.copyOfRange(prompt, promptPos, promptPos + n);
        }
        // drafts never run past n_predict or the context: each accepted one is a generated token
        int limit = Math.min(budget - 1, session.contextSize() - session.position() - 1);
        if (task.request.nPredict() >= 0) limit = Math.min(limit, task.request.nPredict() - nDecoded - 1);
        if (cachedCount == cached.length) cached = Arrays.copyOf(cached, cachedCount * 2);
        cached[cachedCount] = nextToken; // the history the lookup searches: the cached tokens and this one
        int[] drafts = drafter.draft(cached, cachedCount + 1, limit);
        draftCount = drafts.length;
        int[] in = new int[1 + drafts.length];
        in[0] = nextToken;
        System.arraycopy(drafts, 0, in, 1, drafts.length);
        return in;
    }

    /** True when the bound task's prompt needs no forward pass: {@link #samplePromptLogits} comes first. */
    boolean promptLogitsReady() { return promptLogitsPending; }

    /** Samples the first token from the saved logits of this very prompt (see {@link #start}); the result when that ended the generation. */
    CompletionResult samplePromptLogits(Tokenizer tokenizer) {
        promptLogitsPending = false;
        tPromptDone = System.nanoTime();
        // a copy: samplers may work in the array they are given
        CompletionResult done = sampleAndAdvance(promptLogits.clone(), tokenizer, prompt.length);
        if (done == null) drafter.generated(nextToken);
        return done;
    }

    /** Drafts in the input of the current step ({@link #nextInput}). */
    int drafts() { return prompting() ? 0 : draftCount; }

    /** Records that {@code fed} went into the KV cache; returns true when logits for sampling are ready. */
    boolean fed(int[] fed) {
        for (int tok : fed) {
            if (cachedCount == cached.length) cached = Arrays.copyOf(cached, cachedCount * 2);
            cached[cachedCount++] = tok;
        }
        if (prompting()) {
            promptPos += fed.length;
            if (prompting()) return false;
            tPromptDone = System.nanoTime();
        }
        return true;
    }

    /**
     * After a step that fed {@code fed} (the last sampled token, then the drafts): samples from each
     * position's logits in turn ({@code logits}: one row per fed token, or only the last row after a
     * prompt) as plain decoding would, for as long as each sampled token equals the draft fed after it,
     * and drops the cache positions of the drafts that were not accepted. Returns the result when the
     * generation ended, else null.
     */
    CompletionResult advance(float[] logits, int[] fed, Tokenizer tokenizer) {
        int vocab = tokenizer.vocabularySize(), rows = logits.length / vocab;
        int drafts = rows - 1, start = session.position() - rows; // the cache position of the first row's token
        if (nDecoded == 0 && rows == 1) {
            // the prompt's logits, as its evaluation left them, for the next request with this very prompt
            if (promptLogits == null || promptLogits.length != logits.length) promptLogits = new float[logits.length];
            System.arraycopy(logits, 0, promptLogits, 0, logits.length);
            promptLogitsAt = session.position();
        }
        for (int i = 0; ; i++) {
            float[] row = rows == 1 ? logits : Arrays.copyOfRange(logits, i * vocab, (i + 1) * vocab);
            CompletionResult done = sampleAndAdvance(row, tokenizer, start + i + 1);
            boolean accepted = done == null && i < drafts && nextToken == fed[i + 1];
            if (accepted) continue;
            if (drafts > 0) {
                drafter.verified(drafts, i);
                // positions after the last accepted draft hold tokens that were not generated
                session.truncate(start + i + 1);
                cachedCount = start + i + 1;
            } else if (done == null && !prompting()) {
                drafter.generated(nextToken);
            }
            return done;
        }
    }

    /**
     * Samples the next token from {@code logits} and advances the generation; emits released text to
     * the listener. {@code filled} is the number of cache positions before the sampled token's (its
     * position). Returns the result when the generation ended, else null.
     */
    private CompletionResult sampleAndAdvance(float[] logits, Tokenizer tokenizer, int filled) {
        CompletionRequest r = task.request;
        if (r.nPredict() == 0) return result(StopType.LIMIT, "", false); // only evaluate (e.g. to warm the cache)
        int token = sampler.sample(logits);
        sampler.accept(token);
        nDecoded++;
        allTokens.add(token);
        pendingTokens.add(token);
        if (r.nProbs() > 0) {
            TokenProbs p = probabilities(r, logits, token, tokenizer.vocabularySize());
            allProbs.add(p);
            pendingProbs.add(p);
        }

        StopType stop = null;
        String stoppingWord = "";
        boolean eog = tokenizer.isEog(token) && !r.sampling().ignoreEos;
        if (eog) {
            stop = StopType.EOS;
        } else {
            String piece = detokenizer.push(token);
            generated.append(piece);
            if (piece.indexOf('\n') >= 0) hasNewLine = true;
        }
        int releasable = generated.length();
        if (!stops.isEmpty()) {
            StopStrings.Match m = stops.findComplete(generated, sent - stops.longest());
            if (m != null) {
                generated.setLength(m.index());
                releasable = m.index();
                stop = StopType.WORD;
                stoppingWord = m.word();
            } else if (stop == null) {
                releasable = generated.length() - stops.partialSuffix(generated);
            }
        }
        if (stop == null && r.nIndent() > 0 && shallowerLine(r.nIndent())) {
            stop = StopType.LIMIT;
            releasable = Math.min(releasable, generated.length());
        }
        if (stop == null && r.textStop() != null) {
            TextStop.Decision d = r.textStop().decide(generated);
            if (d.stop()) {
                generated.setLength(Math.max(Math.min(d.length(), generated.length()), sent));
                releasable = generated.length();
                stop = StopType.SCOPE;
            } else {
                releasable = Math.min(releasable, Math.max(d.length(), sent));
            }
        }
        boolean contextFull = false;
        if (stop == null) {
            long elapsedMs = (System.nanoTime() - tPromptDone) / 1_000_000;
            if (r.nPredict() >= 0 && nDecoded >= r.nPredict()) stop = StopType.LIMIT;
            else if (filled + 1 > session.contextSize()) { stop = StopType.LIMIT; contextFull = true; }
            else if (hasNewLine && r.tMaxPredictMs() > 0 && elapsedMs > r.tMaxPredictMs()) stop = StopType.LIMIT;
        }
        if (stop != null && stop != StopType.WORD && stop != StopType.SCOPE) {
            generated.append(detokenizer.flush());
            releasable = generated.length();
        }
        if (releasable > sent || (stop == null && !pendingProbs.isEmpty())) emit(releasable);
        if (stop == null) {
            nextToken = token;
            publishEvery();
            return null;
        }
        return result(stop, stoppingWord, contextFull);
    }

    /** What n_probs reports for one token: the raw softmax (llama-server's default) or the chain's output. */
    private TokenProbs probabilities(CompletionRequest r, float[] logits, int token, int vocab) {
        if (r.postSamplingProbs())
            return new TokenProbs(new TokenProbability(token, sampler.postSamplingProb(token)), sampler.postSamplingProbs(r.nProbs()));
        SamplerChain.RawProbs raw = SamplerChain.rawProbs(logits, vocab, r.nProbs(), token);
        return new TokenProbs(raw.chosen(), raw.top());
    }

    /** Sends the text up to {@code releasable} not sent yet, with the tokens (and probabilities) since the last event. */
    private void emit(int releasable) {
        String text = generated.substring(sent, Math.max(sent, releasable));
        sent = Math.max(sent, releasable);
        task.listener.onPartial(new TokenEvent(text, pendingTokens.stream().mapToInt(Integer::intValue).toArray(),
                List.copyOf(pendingProbs), nDecoded, prompt.length));
        pendingTokens.clear();
        pendingProbs.clear();
    }

    private CompletionResult result(StopType stop, String stoppingWord, boolean contextFull) {
        long now = System.nanoTime();
        int promptN = prompt.length - cacheN;
        return new CompletionResult(generated.toString(), allTokens.stream().mapToInt(Integer::intValue).toArray(),
                List.copyOf(allProbs), stop, stoppingWord, id, prompt.length, cachedCount, cacheN,
                promptN, (tPromptDone - tStart) / 1e6, nDecoded, (now - tPromptDone) / 1e6, hasNewLine, contextFull,
                drafter.draftedCount(), drafter.acceptedCount());
    }

    /**
     * llama-server's n_indent: once a line after a newline shows its first non-blank character, a line
     * indented less than {@code minIndent} ends the generation, cut before that character (the code
     * block being completed is over).
     */
    private boolean shallowerLine(int minIndent) {
        while (true) {
            if (lineStart < 0) {
                int nl = generated.indexOf("\n");
                if (nl < 0) return false;
                lineStart = nl + 1;
            }
            int pos = lineStart, indent = 0;
            while (pos < generated.length() && (generated.charAt(pos) == ' ' || generated.charAt(pos) == '\t')) { pos++; indent++; }
            if (pos >= generated.length()) return false; // the line's indentation is not known yet
            if (indent < minIndent && generated.charAt(pos) != '\n') {
                generated.setLength(pos);
                return true;
            }
            int next = generated.indexOf("\n", lineStart);
            if (next < 0) return false;
            lineStart = next + 1;
        }
    }

    /** Empties the cache (after a failed step, when the KV cells may not match the token list). */
    void forgetCache() {
        cachedCount = 0;
        promptLogitsAt = -1;
        session.truncate(0);
    }

    /** Ends the task (done or cancelled); the KV cache and its token list stay for the next prompt. */
    void release() {
        task = null;
        lastUsedNanos = System.nanoTime();
        publish();
    }

    private int publishCounter;

    private void publishEvery() {
        if ((++publishCounter & 15) == 0) publish();
    }

    void publish() {
        EngineTask t = task;
        snapshot = new SlotSnapshot(id, session.contextSize(), t != null, t != null ? t.id : -1,
                t != null ? t.request : null, nDecoded,
                t == null ? 0 : (t.request.nPredict() < 0 ? -1 : t.request.nPredict() - nDecoded),
                hasNewLine, cachedCount);
    }
}
