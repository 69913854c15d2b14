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
    WORD("word");

    public final String wire;

    StopType(String wire) { this.wire = wire; }
}
