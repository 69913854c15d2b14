package dev.hearth.engine;

/** Why a generation ended, with llama-server's {@code stop_type} names. */
public enum StopType {
    /** not stopped (cancelled) */
    NONE("none"),
    /** an end-of-generation token */
    EOS("eos"),
    /** n_predict, the context or the time limit */
    LIMIT("limit"),
    /** a stop string */
    WORD("word"),
    /** a text rule ({@link TextStop}): for infill, the hole's scope closed (Hearth's own; llama-server has none) */
    SCOPE("scope");

    public final String wire;

    StopType(String wire) { this.wire = wire; }
}
