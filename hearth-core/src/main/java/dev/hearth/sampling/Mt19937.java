package dev.hearth.sampling;

/**
 * The 32-bit Mersenne Twister (std::mt19937) with libstdc++'s conversions to uniform reals, so a
 * seeded request draws the same numbers as llama.cpp, whose samplers use exactly these.
 */
final class Mt19937 {
    private static final int N = 624, M = 397;
    private final int[] mt = new int[N];
    private int index = N;

    Mt19937(long seed) {
        mt[0] = (int) seed;
        for (int i = 1; i < N; i++) mt[i] = 1812433253 * (mt[i - 1] ^ (mt[i - 1] >>> 30)) + i;
    }

    /** The next 32-bit output, as an unsigned value. */
    long next() {
        if (index >= N) twist();
        int y = mt[index++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        return y & 0xffffffffL;
    }

    private void twist() {
        for (int i = 0; i < N; i++) {
            int y = (mt[i] & 0x80000000) | (mt[(i + 1) % N] & 0x7fffffff);
            mt[i] = mt[(i + M) % N] ^ (y >>> 1) ^ ((y & 1) != 0 ? 0x9908b0df : 0);
        }
        index = 0;
    }

    /** std::uniform_real_distribution&lt;double&gt;(0, 1): generate_canonical with two draws, summed in double as libstdc++ does. */
    double nextDouble() {
        double sum = next();
        sum += next() * 4294967296.0;
        double r = sum / 18446744073709551616.0;
        return r >= 1.0 ? Math.nextDown(1.0) : r;
    }

    /** std::uniform_real_distribution&lt;float&gt;(0, 1): one draw rounded to float. */
    float nextFloat() {
        float r = (float) next() / 4294967296f;
        return r >= 1f ? Math.nextDown(1f) : r;
    }
}
