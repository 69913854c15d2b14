/**
 * The engine between a server and the model: {@link dev.hearth.engine.Engine} owns N
 * {@link dev.hearth.engine.Slot}s (one KV cache each) and a scheduler thread that, every step, feeds
 * every busy slot's next tokens (a prompt chunk, or the token it just sampled) to the model in one
 * {@link dev.hearth.model.Session#feedAll} call (continuous batching). A request arrives as a
 * {@link dev.hearth.engine.CompletionRequest} (already tokenized) and its output leaves through a
 * {@link dev.hearth.engine.CompletionListener}. Nothing here knows about HTTP.
 */
package dev.hearth.engine;
