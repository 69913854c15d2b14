package dev.hearth.tensor;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The one pool of compute threads: persistent platform threads, one per core, each running every job
 * with its index (thread i of n); a job shares its work out by that index or by claiming pieces
 * ({@link #claim}). The caller runs as thread 0 itself.
 *
 * <p>Jobs are tiny (a matrix-vector product is ~50 µs), so waking threads through a queue would cost
 * more than the work. Workers spin briefly on a generation counter, then park: pure spinning collapses
 * when the machine's cores are oversubscribed, pure parking adds wake-up latency to every job.
 */
public final class ComputePool implements AutoCloseable {
    /** A job: called once per thread with that thread's index and the thread count. */
    @FunctionalInterface
    public interface Job {
        void run(int thread, int threads);
    }

    // Waiting: spin a little (a job is often ~10-100 µs away), then yield the core (when cores are
    // oversubscribed, the thread we wait for may need this very core), then park.
    private static final int SPINS = 2_000;
    private static final int YIELDS = 100;

    private final int threads;
    private final Thread[] workers;
    private volatile Job job;
    private volatile int generation;
    private volatile boolean closed;
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicInteger claims = new AtomicInteger();
    private volatile Throwable failure;
    private volatile Thread caller;

    public ComputePool(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        this.threads = threads;
        this.workers = new Thread[threads - 1];
        for (int i = 1; i < threads; i++) {
            int index = i;
            Thread t = Thread.ofPlatform().daemon().name("hearth-compute-" + i).unstarted(() -> workLoop(index));
            workers[i - 1] = t;
            t.start();
        }
    }

    public int threads() {
        return threads;
    }

    /**
     * Below this many multiply-adds a job runs on the calling thread alone: handing it to the pool costs
     * a few microseconds when all goes well and a scheduler time slice when a worker has been preempted.
     */
    public static final long MIN_PARALLEL_WORK = 1 << 16;

    /** Runs {@code job} on the pool, or on the calling thread alone when {@code work} (multiply-adds) is small. */
    public void run(long work, Job job) {
        if (work < MIN_PARALLEL_WORK) {
            claims.set(0);
            job.run(0, 1);
        } else {
            run(job);
        }
    }

    /** Runs {@code job} on every thread of the pool and returns when all are done. Not reentrant. */
    public void run(Job job) {
        claims.set(0);
        if (threads == 1) {
            job.run(0, 1);
            return;
        }
        this.caller = Thread.currentThread();
        this.failure = null;
        this.job = job;
        pending.set(threads - 1);
        generation++; // publishes job (volatile write after the plain fields)
        for (Thread w : workers) LockSupport.unpark(w);
        Throwable mine = null;
        try {
            job.run(0, threads);
        } catch (Throwable t) {
            mine = t;
        }
        int spins = 0;
        while (pending.get() != 0) {
            spins++;
            if (spins < SPINS) Thread.onSpinWait();
            else if (spins < SPINS + YIELDS) Thread.yield();
            else LockSupport.parkNanos(this, 50_000);
        }
        this.job = null;
        Throwable f = mine != null ? mine : failure;
        if (f instanceof RuntimeException re) throw re;
        if (f instanceof Error e) throw e;
        if (f != null) throw new RuntimeException(f);
    }

    /**
     * For jobs that share their work out dynamically: 0, 1, 2, ... across all threads of the running job, each
     * number handed to one thread (the count starts again with every job). A thread that claims a piece when
     * it has finished its last one keeps busy while a slower one (a vCPU the host has lent elsewhere for a
     * while) finishes fewer, where a static share makes the whole job wait for the slowest thread.
     */
    public int claim() {
        return claims.getAndIncrement();
    }

    /** Splits [0, n) into {@code threads} contiguous parts; returns part {@code i}'s start (end = start of i+1). */
    public static int split(int n, int i, int threads) {
        return (int) ((long) n * i / threads);
    }

    private void workLoop(int index) {
        int seen = 0;
        while (true) {
            int spins = 0;
            while (generation == seen && !closed) {
                spins++;
                if (spins < SPINS) Thread.onSpinWait();
                else if (spins < SPINS + YIELDS) Thread.yield();
                else LockSupport.park(this);
            }
            if (closed) return;
            seen = generation;
            Job j = job;
            try {
                j.run(index, threads);
            } catch (Throwable t) {
                failure = t;
            }
            if (pending.decrementAndGet() == 0) LockSupport.unpark(caller);
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread w : workers) LockSupport.unpark(w);
    }
}
