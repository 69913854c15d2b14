package dev.hearth.illume;

/** What the buffer asks for; decides the endpoint and how the body carries the text. */
public enum RequestType {
    /** {@code chat/completions} with {@code messages} (the default). */
    CHAT,
    /** {@code completions} with {@code prompt}: the first message's text ({@code !completion}). */
    COMPLETION,
    /** llama.cpp {@code infill} with {@code input_prefix}/{@code input_suffix} (bare {@code !infill}). */
    INFILL,
    /** {@code completions} with a prompt built from the FIM template (bare {@code !infill} after a template). */
    FIM
}
