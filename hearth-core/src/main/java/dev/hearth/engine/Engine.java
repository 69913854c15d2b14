package dev.hearth.engine;

import dev.hearth.model.CacheOptions;
import dev.hearth.model.Model;
import dev.hearth.model.Session;
import dev.hearth.tensor.ComputePool;
import dev.hearth.tokenizer.Tokenizer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs generations on a fixed set of slots with one scheduler thread (the only thread that runs
 * the model). Each step it
 * <ol>
 *   <li>frees the slots of cancelled tasks,</li>
 *   <li>binds waiting tasks, oldest first, to idle slots (the one whose cache shares the longest
 *       prefix with the prompt, else the least recently used),</li>
 *   <li>feeds every busy slot's next tokens in one {@link Session#feedAll} call: generating slots
 *       one token each, prompting slots a chunk each, within a shared budget of {@code batchSize},</li>
 *   <li>samples for every slot whose logits are ready and emits its text.</li>
 * </ol>
 */
public final class Engine implements AutoCloseable {
    private final Tokenizer tokenizer;
    private final Slot[] slots;
    private final int batchSize;
    private final CacheOptions cacheOptions;
    private final ArrayDeque<EngineTask> waiting = new ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final AtomicLong ids = new AtomicLong();
    private final Thread thread;
    private final DraftCost draftCost = new DraftCost(); // what verifying drafts costs here, learnt from the steps
    private volatile boolean running = true;
    public final EngineMetrics metrics = new EngineMetrics();

    /**
     * @param contextPerSlot KV cells of each slot (llama-server gives each slot n_ctx / n_parallel)
     * @param batchSize      the most tokens fed in one step, all slots together
     */
    public Engine(Model model, Tokenizer tokenizer, ComputePool pool, int slotCount, int contextPerSlot, int batchSize) {
        this(model, tokenizer, pool, slotCount, contextPerSlot, batchSize, CacheOptions.DEFAULT);
    }

    /** An engine whose slots' attention and KV caches follow {@code cache} (-fa, -ctk, -ctv). */
    public Engine(Model model, Tokenizer tokenizer, ComputePool pool, int slotCount, int contextPerSlot, int batchSize, CacheOptions cache) {
        this(model, tokenizer, pool, slotCount, contextPerSlot, batchSize, cache, Speculation.OFF);
    }

    /** An engine whose generating slots draft tokens from their context and verify them ({@code speculation}). */
    public Engine(Model model, Tokenizer tokenizer, ComputePool pool, int slotCount, int contextPerSlot, int batchSize, CacheOptions cache,
                  Speculation speculation) {
        if (slotCount < 1) throw new IllegalArgumentException("at least one slot is needed");
        if (contextPerSlot < 2) throw new IllegalArgumentException("a slot's context must hold at least 2 tokens, got " + contextPerSlot);
        this.tokenizer = tokenizer;
        this.batchSize = batchSize;
        this.slots = new Slot[slotCount];
        for (int i = 0; i < slotCount; i++)
            slots[i] = new Slot(i, new Session(model, pool, contextPerSlot, Math.min(batchSize, contextPerSlot), cache), speculation, draftCost);
        this.cacheOptions = cache;
        this.thread = new Thread(this::loop, "hearth-scheduler");
        thread.setDaemon(true);
        thread.start();
    }

    public int slotCount() { return slots.length; }

    public CacheOptions cacheOptions() { return cacheOptions; }

    public int contextPerSlot() { return slots[0].contextSize(); }

    public List<SlotSnapshot> slots() {
        List<SlotSnapshot> out = new ArrayList<>();
        for (Slot s : slots) out.add(s.snapshot);
        return out;
    }

    /** Requests waiting for a free slot. */
    public int waitingCount() {
        lock.lock();
        try { return waiting.size(); } finally { lock.unlock(); }
    }

    /**
     * Queues a request. Fails at once, before queuing, when the prompt cannot fit a slot's context
     * or the slot asked for does not exist.
     */
    public EngineTask submit(CompletionRequest request, CompletionListener listener) {
        int ctx = contextPerSlot();
        if (request.prompt().length >= ctx) throw new PromptTooLongException(request.prompt().length, ctx);
        if (request.idSlot() >= slots.length) throw new IllegalArgumentException("id_slot " + request.idSlot() + " does not exist (there are " + slots.length + " slots)");
        EngineTask t = new EngineTask(ids.getAndIncrement(), request, listener, this);
        lock.lock();
        try {
            if (!running) throw new IllegalStateException("the server is shutting down");
            waiting.add(t);
            work.signal();
        } finally {
            lock.unlock();
        }
        return t;
    }

    void wake() {
        lock.lock();
        try { work.signal(); } finally { lock.unlock(); }
    }

    private void loop() {
        List<Slot> active = new ArrayList<>();
        while (running) {
            lock.lock();
            try {
                for (Slot s : slots) if (s.busy() && s.task.cancelled) { s.release(); metrics.cancelled.incrementAndGet(); }
                waiting.removeIf(t -> t.cancelled);
                bindWaiting();
                active.clear();
                for (Slot s : slots) if (s.busy()) active.add(s);
                if (active.isEmpty()) {
                    work.awaitUninterruptibly();
                    continue;
                }
            } finally {
                lock.unlock();
            }
            try {
                step(active);
            } catch (RuntimeException | Error e) {
                // a failed forward pass fails the requests in it, never the scheduler
                for (Slot s : active) {
                    if (!s.busy()) continue;
                    s.task.listener.onError("generation failed: " + e);
                    s.forgetCache();
                    lock.lock();
                    try { s.release(); } finally { lock.unlock(); }
                }
            }
        }
    }

    private void bindWaiting() {
        for (var it = waiting.iterator(); it.hasNext(); ) {
            EngineTask t = it.next();
            Slot slot = chooseSlot(t.request);
            if (slot == null) {
                // strict arrival order: a task asking for a busy slot holds back the ones behind it
                break;
            }
            it.remove();
            slot.start(t, tokenizer);
        }
    }

    private Slot chooseSlot(CompletionRequest r) {
        if (r.idSlot() >= 0) return slots[r.idSlot()].busy() ? null : slots[r.idSlot()];
        Slot best = null;
        int bestPrefix = 0;
        if (r.cachePrompt()) {
            for (Slot s : slots) {
                if (s.busy()) continue;
                int p = s.commonPrefix(r.prompt());
                if (p > bestPrefix) { best = s; bestPrefix = p; }
            }
        }
        if (best != null) return best;
        for (Slot s : slots)
            if (!s.busy() && (best == null || s.lastUsedNanos < best.lastUsedNanos)) best = s;
        return best;
    }

    private void step(List<Slot> active) {
        // a prompt found whole in the cache with the logits of its evaluation: its first token needs no forward pass
        for (Slot s : active) {
            if (!s.promptLogitsReady() || s.task.cancelled) continue;
            CompletionResult done = s.samplePromptLogits(tokenizer);
            if (done != null) finish(s, done);
        }
        // those that ended are free; a cancelled one that never sampled has no token to feed (the loop frees it)
        active.removeIf(s -> !s.busy() || s.promptLogitsReady());
        if (active.isEmpty()) return;
        // generating slots first (their token and drafts) so long prompts never stall streams; prompts share the rest
        int budget = batchSize;
        List<Slot> fedSlots = new ArrayList<>();
        List<int[]> inputs = new ArrayList<>();
        int generating = 0, drafts = 0, generatingSlots = 0;
        for (Slot s : active) if (!s.prompting()) generatingSlots++;
        // drafts only in steps without prompts: those are computed tokenwise, as plain one-token steps would be
        boolean anyPrompting = generatingSlots < active.size();
        for (Slot s : active) {
            if (s.prompting()) continue;
            // every generating slot keeps one token of the budget; drafts take what the others leave
            int[] in = s.nextInput(anyPrompting ? 1 : Math.max(1, budget - (generatingSlots - generating - 1)));
            fedSlots.add(s);
            inputs.add(in);
            budget -= in.length;
            generating++;
            drafts += s.drafts();
        }
        boolean prompts = false;
        for (Slot s : active) {
            if (!s.prompting() || budget <= 0) continue;
            int[] in = s.nextInput(Math.min(budget, batchSize));
            fedSlots.add(s);
            inputs.add(in);
            budget -= in.length;
            prompts = true;
        }
        Session[] sessions = new Session[fedSlots.size()];
        int[] logitCounts = new int[sessions.length];
        int tokens = 0;
        for (int i = 0; i < sessions.length; i++) {
            Slot s = fedSlots.get(i);
            sessions[i] = s.session;
            tokens += inputs.get(i).length;
            logitCounts[i] = s.prompting() ? 1 : inputs.get(i).length; // a generating slot's drafts each need their logits
        }
        // a step that verifies drafts computes each token as a one-token step would, so that accepting a
        // draft gives exactly the token plain decoding would have generated
        boolean tokenwise = drafts > 0 && !prompts;
        long t0 = System.nanoTime();
        float[][] logits = Session.feedAll(sessions, inputs.toArray(int[][]::new), logitCounts, tokenwise);
        if (!prompts && (drafts > 0 || tokens == 1)) draftCost.record(tokens - 1, System.nanoTime() - t0);
        metrics.recordStep(sessions.length, tokens);
        for (int i = 0; i < sessions.length; i++) {
            Slot s = fedSlots.get(i);
            boolean ready = s.fed(inputs.get(i)); // always: the KV cache took the tokens either way
            if (s.task.cancelled || !ready) continue;
            CompletionResult done = s.advance(logits[i], inputs.get(i), tokenizer);
            if (done != null) finish(s, done);
        }
    }

    /** Frees the slot of a generation that ended and hands the listener its result. */
    private void finish(Slot s, CompletionResult done) {
        CompletionListener l = s.task.listener;
        metrics.recordDone(done);
        lock.lock();
        try { s.release(); } finally { lock.unlock(); }
        l.onDone(done);
    }

    /** Stops the scheduler; queued and running requests get an error. */
    @Override
    public void close() {
        List<EngineTask> failed = new ArrayList<>();
        lock.lock();
        try {
            running = false;
            failed.addAll(waiting);
            waiting.clear();
            work.signalAll();
        } finally {
            lock.unlock();
        }
        try { thread.join(10_000); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
        for (Slot s : slots) if (s.busy()) { failed.add(s.task); s.release(); }
        for (EngineTask t : failed) t.listener.onError("the server is shutting down");
    }
}
