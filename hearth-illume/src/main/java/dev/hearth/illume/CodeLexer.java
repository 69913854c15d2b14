package dev.hearth.illume;

/**
 * A small restartable lexer that only knows what it takes to tell code brackets from text: it
 * follows strings, characters, raw strings, template literals, regular expressions and comments
 * per {@link LexRules}, keeps the stack of open brackets, and reports closing brackets and
 * newlines that occur in code. {@link #copy()} snapshots the state, so the prefix of a hole is
 * lexed once and the middle is re-lexed from there as it grows.
 *
 * <p>Unterminated ordinary strings end at a newline (except where the language lets them span
 * lines), so one stray quote does not hide the rest of a file.
 */
final class CodeLexer {
    enum Mode { CODE, LINE_COMMENT, BLOCK_COMMENT, STRING, REGEX, TEMPLATE }

    /** Receives the events that matter for scope decisions; positions index the lexed text. */
    interface Listener {
        /** An opening bracket in code; {@code depthAfter} is the stack size with it. */
        default void open(int position, char bracket, int depthAfter) {}

        /** A closing bracket in code; {@code depthAfter} is the stack size after it (unchanged if unmatched). */
        default void close(int position, char bracket, int depthAfter, boolean unmatched) {}

        /** A newline in code (not inside a string or block comment), with the bracket depth there. */
        default void codeNewline(int position, int depth) {}
    }

    private final LexRules rules;
    private Mode mode = Mode.CODE;
    private char quote;
    private boolean triple;
    private boolean escapes = true;
    private boolean verbatim;
    private String rawEnd;
    private int commentDepth;
    private boolean regexClass;
    private char lastSignificant;
    private final StringBuilder stack = new StringBuilder();

    CodeLexer(LexRules rules) {
        this.rules = rules;
    }

    CodeLexer copy() {
        CodeLexer c = new CodeLexer(rules);
        c.mode = mode;
        c.quote = quote;
        c.triple = triple;
        c.escapes = escapes;
        c.verbatim = verbatim;
        c.rawEnd = rawEnd;
        c.commentDepth = commentDepth;
        c.regexClass = regexClass;
        c.lastSignificant = lastSignificant;
        c.stack.append(stack);
        return c;
    }

    /** The same mode (inside a string, comment…) with no open brackets: for lexing a suffix. */
    CodeLexer copyWithoutBrackets() {
        CodeLexer c = copy();
        c.stack.setLength(0);
        return c;
    }

    Mode mode() {
        return mode;
    }

    int depth() {
        return stack.length();
    }

    /** The open brackets, outermost first; {@code $} stands for a template literal's {@code ${}. */
    String openBrackets() {
        return stack.toString();
    }

    void run(CharSequence text, Listener listener) {
        int end = text.length();
        int i = 0;
        while (i < end) {
            char c = text.charAt(i);
            switch (mode) {
                case CODE -> i = code(text, i, end, listener);
                case LINE_COMMENT -> {
                    if (c == '\n') {
                        mode = Mode.CODE; // the newline itself is code: it ends a logical line
                    } else {
                        i++;
                    }
                }
                case BLOCK_COMMENT -> {
                    if (c == '*' && i + 1 < end && text.charAt(i + 1) == '/') {
                        commentDepth--;
                        i += 2;
                        if (commentDepth == 0) {
                            mode = Mode.CODE;
                        }
                    } else if (rules.nestedBlockComments() && c == '/' && i + 1 < end && text.charAt(i + 1) == '*') {
                        commentDepth++;
                        i += 2;
                    } else {
                        i++;
                    }
                }
                case STRING -> i = string(text, i, end);
                case REGEX -> {
                    if (c == '\\') {
                        i += 2;
                    } else if (c == '\n') {
                        mode = Mode.CODE;
                    } else {
                        if (c == '[') {
                            regexClass = true;
                        } else if (c == ']') {
                            regexClass = false;
                        } else if (c == '/' && !regexClass) {
                            mode = Mode.CODE;
                            lastSignificant = 'r';
                        }
                        i++;
                    }
                }
                case TEMPLATE -> {
                    if (c == '\\') {
                        i += 2;
                    } else if (c == '`') {
                        mode = Mode.CODE;
                        lastSignificant = '`';
                        i++;
                    } else if (c == '$' && i + 1 < end && text.charAt(i + 1) == '{') {
                        stack.append('$');
                        mode = Mode.CODE;
                        lastSignificant = '{';
                        i += 2;
                    } else {
                        i++;
                    }
                }
            }
        }
    }

    private int code(CharSequence text, int i, int end, Listener listener) {
        char c = text.charAt(i);
        if (c == '\n') {
            listener.codeNewline(i, stack.length());
            return i + 1;
        }
        if (c == ' ' || c == '\t' || c == '\r') {
            return i + 1;
        }
        String lineComment = rules.lineComment();
        if (lineComment != null && startsWith(text, i, end, lineComment)) {
            mode = Mode.LINE_COMMENT;
            return i + lineComment.length();
        }
        if (rules.blockComments() && c == '/' && i + 1 < end && text.charAt(i + 1) == '*') {
            mode = Mode.BLOCK_COMMENT;
            commentDepth = 1;
            return i + 2;
        }
        if (rules.regexLiterals() && c == '/' && regexMayStart(text, i)) {
            mode = Mode.REGEX;
            regexClass = false;
            return i + 1;
        }
        boolean quoteChar = c == '"' || (c == '\'' && rules.singleQuote() == LexRules.SingleQuote.STRING);
        if (rules.tripleQuotes() && quoteChar && (c == '"' || rules.indentedBlocks())
                && i + 2 < end && text.charAt(i + 1) == c && text.charAt(i + 2) == c) {
            enterString(c, true, !rules.verbatimStrings(), false, null);
            return i + 3;
        }
        if (c == '"') {
            char before = i > 0 ? text.charAt(i - 1) : 0;
            if (rules.cppRawStrings() && before == 'R' && rawPrefixOk(text, i - 1)) {
                int paren = -1;
                for (int k = i + 1; k < end && k <= i + 17; k++) {
                    if (text.charAt(k) == '(') {
                        paren = k;
                        break;
                    }
                }
                if (paren > 0) {
                    enterString('"', false, false, false, ")" + text.subSequence(i + 1, paren) + "\"");
                    return paren + 1;
                }
            }
            boolean verbatimString = rules.verbatimStrings()
                    && (before == '@' || (before == '$' && i > 1 && text.charAt(i - 2) == '@'));
            enterString('"', false, !verbatimString, verbatimString, null);
            return i + 1;
        }
        if (c == '\'' && rules.singleQuote() != LexRules.SingleQuote.STRING && i > 0
                && Character.isLetterOrDigit(text.charAt(i - 1)) && startsNumber(text, i - 1)) {
            return i + 1; // C++14 and C23 digit separator: 1'000'000
        }
        if (c == '\'') {
            switch (rules.singleQuote()) {
                case STRING, CHAR -> enterString('\'', false, true, false, null);
                case CHAR_OR_LIFETIME -> {
                    // 'x' and '\n' are characters; 'a in <'a> is a lifetime; wait when undecidable
                    boolean character = (i + 1 < end && text.charAt(i + 1) == '\\')
                            || i + 2 >= end
                            || text.charAt(i + 2) == '\'';
                    if (character) {
                        enterString('\'', false, true, false, null);
                    } else {
                        lastSignificant = 'a';
                    }
                }
            }
            return i + 1;
        }
        if (c == '`' && rules.backtick() != LexRules.Backtick.NONE) {
            if (rules.backtick() == LexRules.Backtick.TEMPLATE) {
                mode = Mode.TEMPLATE;
            } else {
                enterString('`', false, false, false, "`");
            }
            return i + 1;
        }
        if (c == 'r' && rules.rustRawStrings() && !identifierBefore(text, i)) {
            int k = i + 1;
            while (k < end && text.charAt(k) == '#') {
                k++;
            }
            if (k < end && text.charAt(k) == '"') {
                enterString('"', false, false, false, "\"" + "#".repeat(k - i - 1));
                return k + 1;
            }
        }
        switch (c) {
            case '(', '[', '{' -> {
                stack.append(c);
                listener.open(i, c, stack.length());
            }
            case ')', ']', '}' -> {
                if (stack.isEmpty()) {
                    listener.close(i, c, 0, true);
                } else {
                    char top = stack.charAt(stack.length() - 1);
                    stack.setLength(stack.length() - 1);
                    if (top == '$') {
                        mode = Mode.TEMPLATE; // back inside the template literal
                    }
                    listener.close(i, c, stack.length(), false);
                }
            }
            default -> { }
        }
        lastSignificant = c;
        return i + 1;
    }

    private int string(CharSequence text, int i, int end) {
        char c = text.charAt(i);
        if (rawEnd != null) {
            if (startsWith(text, i, end, rawEnd)) {
                int length = rawEnd.length();
                leaveString();
                return i + length;
            }
            return i + 1;
        }
        if (escapes && c == '\\') {
            return i + 2;
        }
        if (triple) {
            if (c == quote && i + 2 < end && text.charAt(i + 1) == quote && text.charAt(i + 2) == quote) {
                leaveString();
                return i + 3;
            }
            return i + 1;
        }
        if (verbatim && c == '"') {
            if (i + 1 < end && text.charAt(i + 1) == '"') {
                return i + 2; // "" is a quote inside a verbatim string
            }
            leaveString();
            return i + 1;
        }
        if (c == quote) {
            leaveString();
            return i + 1;
        }
        if (c == '\n' && !rules.multilineStrings() && !verbatim) {
            leaveString(); // unterminated: recover at the end of the line, newline left to code
            return i;
        }
        return i + 1;
    }

    private void enterString(char quoteChar, boolean isTriple, boolean hasEscapes, boolean isVerbatim, String end) {
        mode = Mode.STRING;
        quote = quoteChar;
        triple = isTriple;
        escapes = hasEscapes;
        verbatim = isVerbatim;
        rawEnd = end;
    }

    private void leaveString() {
        mode = Mode.CODE;
        rawEnd = null;
        triple = false;
        verbatim = false;
        escapes = true;
        lastSignificant = '"';
    }

    private static final java.util.Set<String> KEYWORDS_BEFORE_EXPRESSION = java.util.Set.of(
            "return", "typeof", "case", "do", "else", "in", "of", "new", "delete", "void", "throw",
            "instanceof", "yield", "await");

    /**
     * A slash starts a regular expression where a value cannot end: after an operator or opener,
     * or after a keyword such as {@code return}; after a name, a number or a closer it divides.
     */
    private boolean regexMayStart(CharSequence text, int slash) {
        if (lastSignificant == 0 || "(,=:[!&|?{};+-*%<>~^".indexOf(lastSignificant) >= 0) {
            return true;
        }
        if (!isIdentifier(lastSignificant)) {
            return false;
        }
        int end = slash;
        while (end > 0 && Character.isWhitespace(text.charAt(end - 1))) {
            end--;
        }
        int start = end;
        while (start > 0 && isIdentifier(text.charAt(start - 1))) {
            start--;
        }
        return KEYWORDS_BEFORE_EXPRESSION.contains(text.subSequence(start, end).toString());
    }

    /** Whether the alphanumeric run ending at {@code last} is a number (starts with a digit). */
    private static boolean startsNumber(CharSequence text, int last) {
        int start = last;
        while (start > 0 && (Character.isLetterOrDigit(text.charAt(start - 1)) || text.charAt(start - 1) == '\'')) {
            start--;
        }
        return Character.isDigit(text.charAt(start));
    }

    /** R of a C++ raw string stands alone or after an encoding prefix u8, u, U or L. */
    private static boolean rawPrefixOk(CharSequence text, int r) {
        int k = r;
        if (k >= 2 && text.charAt(k - 2) == 'u' && text.charAt(k - 1) == '8') {
            k -= 2;
        } else if (k >= 1 && "uUL".indexOf(text.charAt(k - 1)) >= 0) {
            k -= 1;
        }
        return k == 0 || !isIdentifier(text.charAt(k - 1));
    }

    /** Whether an identifier character precedes {@code i}; Rust's {@code b} of {@code br"…"} does not count. */
    private static boolean identifierBefore(CharSequence text, int i) {
        if (i == 0) {
            return false;
        }
        char before = text.charAt(i - 1);
        if (before == 'b') {
            return i >= 2 && isIdentifier(text.charAt(i - 2));
        }
        return isIdentifier(before);
    }

    private static boolean isIdentifier(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }

    private static boolean startsWith(CharSequence text, int i, int end, String s) {
        if (i + s.length() > end) {
            return false;
        }
        for (int k = 0; k < s.length(); k++) {
            if (text.charAt(i + k) != s.charAt(k)) {
                return false;
            }
        }
        return true;
    }
}
