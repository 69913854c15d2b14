package dev.hearth.engine;

/** What {@code /slots} shows about a slot, published by the scheduler thread. */
public record SlotSnapshot(int id, int contextSize, boolean processing, long taskId, CompletionRequest request,
                           int nDecoded, int nRemain, boolean hasNewLine, int cachedTokens) { }
