package dev.hearth.sampling;

import java.util.Arrays;

/** The tokens the penalty and DRY stages look back on: the prompt's tail and every accepted token. */
public final class TokenHistory {
    private int[] tokens = new int[64];
    private int size;

    public void add(int token) {
        if (size == tokens.length) tokens = Arrays.copyOf(tokens, size * 2);
        tokens[size++] = token;
    }

    public int size() { return size; }

    public int get(int i) { return tokens[i]; }
}
