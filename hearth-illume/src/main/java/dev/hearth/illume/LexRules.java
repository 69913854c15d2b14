package dev.hearth.illume;

/**
 * The lexical facts of a language that matter for telling code brackets from text.
 *
 * @param lineComment line comment opener, or null
 * @param blockComments C's slash-star comments
 * @param nestedBlockComments block comments nest (Rust)
 * @param singleQuote what a single quote starts
 * @param backtick what a backtick starts
 * @param tripleQuotes three quotes open a string ending at three quotes (Python, Java text blocks, C# raw)
 * @param multilineStrings ordinary strings may span lines (Rust); elsewhere a newline ends one
 * @param cppRawStrings {@code R"delim(…)delim"}
 * @param rustRawStrings {@code r#"…"#}
 * @param verbatimStrings C#'s {@code @"…"} with {@code ""} for a quote
 * @param regexLiterals JavaScript's {@code /…/} after an operator
 * @param indentedBlocks indentation closes blocks (Python)
 * @param braceBlocks braces delimit blocks, so a closed top-level brace ends an item
 */
record LexRules(
        String lineComment,
        boolean blockComments,
        boolean nestedBlockComments,
        SingleQuote singleQuote,
        Backtick backtick,
        boolean tripleQuotes,
        boolean multilineStrings,
        boolean cppRawStrings,
        boolean rustRawStrings,
        boolean verbatimStrings,
        boolean regexLiterals,
        boolean indentedBlocks,
        boolean braceBlocks) {

    enum SingleQuote { STRING, CHAR, CHAR_OR_LIFETIME }

    enum Backtick { NONE, RAW_STRING, TEMPLATE }

    static final LexRules C_LIKE = new LexRules("//", true, false, SingleQuote.CHAR, Backtick.NONE,
            false, false, false, false, false, false, false, true);
    static final LexRules CPP = new LexRules("//", true, false, SingleQuote.CHAR, Backtick.NONE,
            false, false, true, false, false, false, false, true);
    static final LexRules JAVA = new LexRules("//", true, false, SingleQuote.CHAR, Backtick.NONE,
            true, false, false, false, false, false, false, true);
    static final LexRules JAVASCRIPT = new LexRules("//", true, false, SingleQuote.STRING, Backtick.TEMPLATE,
            false, false, false, false, false, true, false, true);
    static final LexRules GO = new LexRules("//", true, false, SingleQuote.CHAR, Backtick.RAW_STRING,
            false, false, false, false, false, false, false, true);
    static final LexRules RUST = new LexRules("//", true, true, SingleQuote.CHAR_OR_LIFETIME, Backtick.NONE,
            false, true, false, true, false, false, false, true);
    static final LexRules CSHARP = new LexRules("//", true, false, SingleQuote.CHAR, Backtick.NONE,
            true, false, false, false, true, false, false, true);
    static final LexRules PYTHON = new LexRules("#", false, false, SingleQuote.STRING, Backtick.NONE,
            true, false, false, false, false, false, true, false);
    static final LexRules GENERIC = new LexRules(null, false, false, SingleQuote.STRING, Backtick.NONE,
            false, false, false, false, false, false, false, false);
}
