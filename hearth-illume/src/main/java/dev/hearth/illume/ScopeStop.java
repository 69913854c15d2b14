package dev.hearth.illume;

/**
 * Decides when a fill-in-the-middle generation has filled its hole, and where to cut it. Models do
 * not know where the hole ends and tend to go on writing the rest of the file; this looks at the
 * code around the hole and stops at the first of:
 *
 * <ol>
 *   <li><b>Closing the hole's bracket.</b> The prefix leaves brackets open; the suffix closes some
 *       of them. When the middle closes one that the suffix was going to close, the middle is
 *       done: cut before that bracket.
 *   <li><b>Finishing an item.</b> When the suffix closes none of the prefix's open brackets, the
 *       middle must; once it has closed them all (or, at top level in a brace language, closed a
 *       block it opened), cut at the end of that line — or right after the bracket when the
 *       suffix goes on on the same line. Likewise directly inside a class, struct, interface,
 *       impl or namespace body: once the middle has completed one braced member.
 *   <li><b>Leaving the indented suite</b> (Python): a new logical line indented less than the
 *       hole's line.
 *   <li><b>Repeating the suffix:</b> a line of the middle, at the hole's own bracket depth,
 *       starts with the suffix's first lines — whole lines, at least two and 32 non-blank
 *       characters (whitespace ignored; used when the suffix has at least 8).
 * </ol>
 *
 * Brackets count only in code: strings, characters, template literals, regular expressions and
 * comments are lexed per language ({@link CodeLexer}). A cut goes back over the white space before
 * the stopping point, except for the white space the middle shares with the start of the suffix, so
 * {@code prefix + middle + suffix} reads as the model wrote it.
 *
 * <p>Used incrementally: {@link #decide} gets the whole middle so far (re-lexed from a snapshot
 * taken after the prefix) and says either stop-and-cut, or how much is already safe to show — text
 * a later cut could remove (trailing white space, a line that may be starting to repeat the
 * suffix) is held back. No HTTP or JSON here: the server uses this class too, e.g.
 *
 * <pre>{@code
 * ScopeStop scope = ScopeStop.forHole(inputPrefix, inputSuffix, CodeLanguage.detect(fileName, inputPrefix, inputSuffix));
 * for each generated piece:
 *     ScopeStop.Decision d = scope.feed(piece);
 *     int upTo = Math.max(sent, d.length()); send scope.middle().substring(sent, upTo); sent = upTo;
 *     if (d.stop()) { end the generation; break; }
 * at the natural end: send scope.middle().substring(sent)
 * }</pre>
 */
public final class ScopeStop {
    static final int REPEAT_KEY_LENGTH = 32;
    static final int REPEAT_MIN_LENGTH = 8;
    static final int REPEAT_KEY_LIMIT = 256;
    private static final int SUFFIX_LEX_LIMIT = 16 * 1024;

    /**
     * @param stop whether the hole is filled; then {@code length} is where to cut the middle
     * @param length when stopping, the middle's length to keep; otherwise how much can be shown now
     */
    public record Decision(boolean stop, int length) {}

    private final CodeLanguage language;
    private final CodeLexer afterPrefix;
    private final String suffixLeadingSpace;
    private final boolean suffixContinuesLine;
    /** Index in the prefix's open-bracket stack of the innermost bracket the suffix closes, or -1. */
    private final int suffixClosesFrom;
    private final int prefixDepth;
    private final boolean prefixIsTopLevel;
    /** The hole is directly in a class, struct, interface, impl or namespace body: one member per hole. */
    private final boolean declarationScope;
    private final String repeatKey;
    private final boolean holeAtLineStart;
    /** Python: the smallest indentation that stays in the hole's suite, or -1 for "from the middle's first line". */
    private final int suiteIndent;
    private final int previousIndent;
    private final StringBuilder fed = new StringBuilder();

    private ScopeStop(String prefix, String suffix, CodeLanguage language, boolean wholeFile) {
        this.language = language;
        if (!wholeFile) {
            prefix = resynchronize(prefix, language);
        }
        CodeLexer lexer = new CodeLexer(language.rules);
        java.util.ArrayDeque<Integer> openedAt = new java.util.ArrayDeque<>();
        lexer.run(prefix, new CodeLexer.Listener() {
            @Override
            public void open(int position, char bracket, int depthAfter) {
                openedAt.push(position);
            }

            @Override
            public void close(int position, char bracket, int depthAfter, boolean unmatched) {
                if (!unmatched && !openedAt.isEmpty()) {
                    openedAt.pop();
                }
            }
        });
        this.afterPrefix = lexer;
        this.prefixDepth = lexer.depth();
        char suffixCloser = firstUnmatchedCloser(lexer, suffix);
        this.suffixClosesFrom = innermostClosedBySuffix(lexer, suffixCloser);
        // a suffix closing more than the prefix opened means the prefix is a window into a block
        // (editors send a few hundred lines), so "top level" is not really top level
        this.prefixIsTopLevel = wholeFile && lexer.depth() == 0 && suffixCloser == 0;
        this.declarationScope = language.rules.braceBlocks() && !openedAt.isEmpty()
                && prefix.charAt(openedAt.peek()) == '{' && isDeclarationHeader(prefix, openedAt.peek());

        int space = 0;
        while (space < suffix.length() && isBlank(suffix.charAt(space))) {
            space++;
        }
        this.suffixLeadingSpace = suffix.substring(0, space);
        int newline = suffix.indexOf('\n');
        String firstLine = newline < 0 ? suffix : suffix.substring(0, newline);
        this.suffixContinuesLine = !firstLine.isBlank();

        this.repeatKey = repetitionKey(suffix);

        String lastLine = prefix.substring(prefix.lastIndexOf('\n') + 1);
        this.holeAtLineStart = lastLine.isBlank();
        this.previousIndent = previousIndent(prefix);
        if (!lastLine.isEmpty()) {
            this.suiteIndent = indentWidth(lastLine, 0, leadingBlankCount(lastLine));
        } else {
            this.suiteIndent = -1;
        }
    }

    /**
     * A stopper for the hole between {@code prefix} and {@code suffix} in the given language, where
     * the two are the whole file (as Illume sends the whole buffer).
     */
    public static ScopeStop forHole(String prefix, String suffix, CodeLanguage language) {
        return forHole(prefix, suffix, language, true);
    }

    /**
     * @param wholeFile whether the prefix starts at the beginning of the file; when it may be a
     *     window of some lines (as llama.vim sends to {@code /infill}), an empty bracket stack does
     *     not mean top level, and rule 2's "one top-level item per hole" stays off
     */
    public static ScopeStop forHole(String prefix, String suffix, CodeLanguage language, boolean wholeFile) {
        return new ScopeStop(prefix, suffix, language == null ? CodeLanguage.GENERIC : language, wholeFile);
    }

    /** Appends a piece of generated text and decides on everything fed so far. */
    public Decision feed(String piece) {
        fed.append(piece);
        return decide(fed);
    }

    /** The text fed so far. */
    public String middle() {
        return fed.toString();
    }

    public CodeLanguage language() {
        return language;
    }

    /** Whether the hole sits directly in a type or namespace body (one member per hole). */
    boolean inDeclarationScope() {
        return declarationScope;
    }

    /** For a finished generation: how much of {@code middle} to keep. */
    public int keptLength(CharSequence middle) {
        Decision decision = decide(middle);
        return decision.stop() ? decision.length() : middle.length();
    }

    /** Decides on the whole middle generated so far. */
    public Decision decide(CharSequence middle) {
        int n = middle.length();
        int cut = Integer.MAX_VALUE;
        int hold = n;
        // trailing white space may still precede a stopping point, and then be cut
        int trailing = n;
        while (trailing > 0 && isBlank(middle.charAt(trailing - 1))) {
            trailing--;
        }
        hold = Math.min(hold, trailing);

        BracketEvents events = new BracketEvents(middle);
        afterPrefix.copy().run(middle, events);
        if (events.hookCut >= 0) {
            cut = Math.min(cut, events.hookCut);
        }
        if (events.itemClosedAt >= 0) {
            if (suffixContinuesLine) {
                cut = Math.min(cut, events.itemClosedAt + 1);
            } else {
                int newline = indexOf(middle, '\n', events.itemClosedAt + 1);
                if (newline >= 0) {
                    int end = newline;
                    while (end > events.itemClosedAt + 1 && (middle.charAt(end - 1) == ' '
                            || middle.charAt(end - 1) == '\t' || middle.charAt(end - 1) == '\r')) {
                        end--;
                    }
                    cut = Math.min(cut, end);
                }
            }
        }
        if (language.rules.indentedBlocks()) {
            cut = Math.min(cut, dedentCut(middle, events));
        }
        if (repeatKey != null) {
            int[] repeat = repeatCut(middle, events.holeLevelLineStarts);
            cut = Math.min(cut, repeat[0]);
            hold = Math.min(hold, repeat[1]);
        }
        if (cut != Integer.MAX_VALUE) {
            return new Decision(true, cut);
        }
        return new Decision(false, hold);
    }

    /** Collects, from one lexing pass over the middle, the first stopping point of rules 1 and 2. */
    private final class BracketEvents implements CodeLexer.Listener {
        private final CharSequence middle;
        int hookCut = -1;
        int itemClosedAt = -1;
        int floor = prefixDepth;
        final java.util.List<Integer> logicalLineEnds = new java.util.ArrayList<>();
        /** Starts of lines at the hole's own bracket depth, in code: where the suffix may be repeated. */
        final java.util.List<Integer> holeLevelLineStarts = new java.util.ArrayList<>();

        BracketEvents(CharSequence middle) {
            this.middle = middle;
        }

        @Override
        public void close(int position, char bracket, int depthAfter, boolean unmatched) {
            if (hookCut >= 0 || itemClosedAt >= 0) {
                return;
            }
            if (unmatched) {
                // closing something the prefix never opened: the middle has left the hole
                hookCut = backOverSpace(middle, position);
                return;
            }
            if (depthAfter < floor) {
                floor = depthAfter;
                if (suffixClosesFrom >= 0 && depthAfter <= suffixClosesFrom) {
                    hookCut = backOverSpace(middle, position);
                } else if (suffixClosesFrom < 0 && depthAfter == 0) {
                    itemClosedAt = position;
                }
            } else if (prefixIsTopLevel && depthAfter == 0 && bracket == '}' && language.rules.braceBlocks()) {
                itemClosedAt = position; // a top-level block the middle opened is complete
            } else if (declarationScope && depthAfter == prefixDepth && bracket == '}') {
                itemClosedAt = position; // a member (method, nested type…) of the enclosing body is complete
            }
        }

        @Override
        public void codeNewline(int position, int depth) {
            if (depth == 0) {
                logicalLineEnds.add(position);
            }
            if (depth == prefixDepth) {
                holeLevelLineStarts.add(position + 1);
            }
        }
    }

    /**
     * The non-blank characters of the suffix's first whole lines: at least two non-blank lines and
     * at least {@value #REPEAT_KEY_LENGTH} characters (fewer only when the suffix ends), so that
     * code that merely resembles the suffix — a similar line, a repeated separator comment — is
     * not taken for a repetition. Null when there is too little to compare.
     */
    private static String repetitionKey(String suffix) {
        StringBuilder key = new StringBuilder();
        int lines = 0;
        int start = 0;
        while (start < suffix.length() && (lines < 2 || key.length() < REPEAT_KEY_LENGTH)
                && key.length() < REPEAT_KEY_LIMIT) {
            int newline = suffix.indexOf('\n', start);
            int end = newline < 0 ? suffix.length() : newline;
            int before = key.length();
            for (int i = start; i < end; i++) {
                if (!isBlank(suffix.charAt(i))) {
                    key.append(suffix.charAt(i));
                }
            }
            if (key.length() > before) {
                lines++;
            }
            start = end + 1;
        }
        return key.length() >= REPEAT_MIN_LENGTH ? key.toString() : null;
    }

    /** Rule 3: the first logical line of the middle indented less than the hole's suite. */
    private int dedentCut(CharSequence middle, BracketEvents events) {
        int threshold = suiteIndent;
        int n = middle.length();
        if (threshold < 0) {
            // the hole starts a line: its suite is as deep as the middle's first line, at most as
            // deep as the line before the hole (or anything deeper than a line ending in ':')
            int first = 0;
            while (first < n && isBlank(middle.charAt(first))) {
                first++;
            }
            if (first == n) {
                return Integer.MAX_VALUE;
            }
            int lineStart = lastIndexOf(middle, '\n', first - 1) + 1;
            threshold = Math.min(previousIndent, indentWidth(middle, lineStart, first));
        }
        if (threshold <= 0) {
            return Integer.MAX_VALUE;
        }
        for (int newline : events.logicalLineEnds) {
            int lineStart = newline + 1;
            int k = lineStart;
            while (k < n && isBlank(middle.charAt(k))) {
                if (middle.charAt(k) == '\n') {
                    lineStart = k + 1;
                }
                k++;
            }
            if (k == n) {
                break; // indentation not known yet
            }
            if (indentWidth(middle, lineStart, k) < threshold) {
                return backOverSpace(middle, k);
            }
        }
        return Integer.MAX_VALUE;
    }

    /**
     * Rule 4, tried only at line starts at the hole's own bracket depth (so a line inside a block
     * the middle opened, which may well read like the suffix, is no candidate). Returns {cut or
     * MAX_VALUE, position to hold back from or the length}.
     */
    private int[] repeatCut(CharSequence middle, java.util.List<Integer> lineStarts) {
        int n = middle.length();
        int hold = n;
        java.util.List<Integer> candidates = new java.util.ArrayList<>();
        if (holeAtLineStart) {
            candidates.add(0);
        }
        candidates.addAll(lineStarts);
        for (int lineStart : candidates) {
            int k = lineStart;
            while (k < n && (middle.charAt(k) == ' ' || middle.charAt(k) == '\t' || middle.charAt(k) == '\r')) {
                k++;
            }
            if (k < n && middle.charAt(k) != '\n') {
                int matched = 0;
                int j = k;
                while (j < n && matched < repeatKey.length()) {
                    char c = middle.charAt(j);
                    if (!isBlank(c)) {
                        if (c != repeatKey.charAt(matched)) {
                            break;
                        }
                        matched++;
                    }
                    j++;
                }
                if (matched == repeatKey.length()) {
                    return new int[] {backOverSpace(middle, k), Math.min(hold, n)};
                }
                if (j == n) {
                    hold = Math.min(hold, spaceStart(middle, k)); // may still become a repetition
                }
            }
        }
        return new int[] {Integer.MAX_VALUE, hold};
    }

    /**
     * Where to cut before a stopping point: before the white space that precedes it, except the
     * white space the suffix itself does not supply.
     */
    private int backOverSpace(CharSequence middle, int stopAt) {
        int start = spaceStart(middle, stopAt);
        String space = middle.subSequence(start, stopAt).toString();
        if (space.endsWith(suffixLeadingSpace)) {
            return stopAt - suffixLeadingSpace.length();
        }
        // the suffix starts a line of its own (its indentation, no newline): the middle must end its
        // last line, or the suffix's first line would be glued to it ("x += 2;  return x;")
        int lastNewline = space.lastIndexOf('\n');
        if (lastNewline >= 0 && !suffixLeadingSpace.contains("\n")) {
            return start + lastNewline + 1;
        }
        return start;
    }

    private static int spaceStart(CharSequence text, int position) {
        int start = position;
        while (start > 0 && isBlank(text.charAt(start - 1))) {
            start--;
        }
        return start;
    }

    private static final java.util.regex.Pattern DECLARATION = java.util.regex.Pattern.compile(
            "\\b(class|struct|interface|enum|union|impl|trait|namespace)\\b");

    /**
     * Whether the text before the brace at {@code brace}, back to the previous ; { or }, declares a
     * type or namespace. A header with parentheses is taken for a function (which may well take or
     * return a struct), so the rule stays off there.
     */
    private static boolean isDeclarationHeader(String prefix, int brace) {
        int start = brace;
        while (start > 0 && ";{}".indexOf(prefix.charAt(start - 1)) < 0) {
            start--;
        }
        String header = prefix.substring(start, brace);
        return header.indexOf('(') < 0 && DECLARATION.matcher(header).find();
    }

    private static final java.util.regex.Pattern PYTHON_HEADER = java.util.regex.Pattern.compile(
            "(?m)^[ \\t]*(async[ \\t]+)?(def|class)[ \\t]+\\w+[^\\n]*:[ \\t]*$");

    /**
     * A window of a file may begin inside a comment or a docstring, which would turn the lexer's
     * idea of code and text upside down. Start lexing where code surely begins: after a block
     * comment's end that comes before any start, or (Python) at the least indented def/class header.
     */
    static String resynchronize(String window, CodeLanguage language) {
        if (language.rules.indentedBlocks()) {
            // docstrings hold example code too, but indented deeper than the code around them:
            // take the least indented header
            java.util.regex.Matcher header = PYTHON_HEADER.matcher(window);
            int best = -1;
            int bestIndent = Integer.MAX_VALUE;
            while (header.find()) {
                int indent = leadingBlankCount(window.substring(header.start(), header.end()));
                if (indent < bestIndent) {
                    best = header.start();
                    bestIndent = indent;
                }
            }
            return best < 0 ? window : window.substring(best);
        }
        if (language.rules.blockComments()) {
            int close = window.indexOf("*/");
            int open = window.indexOf("/*");
            if (close >= 0 && (open < 0 || close < open)) {
                return window.substring(close + 2);
            }
        }
        return window;
    }

    /** The first bracket in the suffix that closes something opened before it (0 if none). */
    private static char firstUnmatchedCloser(CodeLexer afterPrefix, String suffix) {
        char[] firstCloser = {0};
        CodeLexer lexer = afterPrefix.copyWithoutBrackets();
        lexer.run(suffix.length() > SUFFIX_LEX_LIMIT ? suffix.substring(0, SUFFIX_LEX_LIMIT) : suffix,
                new CodeLexer.Listener() {
                    @Override
                    public void close(int position, char bracket, int depthAfter, boolean unmatched) {
                        if (unmatched && firstCloser[0] == 0) {
                            firstCloser[0] = bracket;
                        }
                    }
                });
        return firstCloser[0];
    }

    /** The prefix's innermost open bracket that the suffix's first unmatched closer closes, or -1. */
    private static int innermostClosedBySuffix(CodeLexer afterPrefix, char firstCloser) {
        String open = afterPrefix.openBrackets();
        if (firstCloser == 0) {
            return -1;
        }
        for (int j = open.length() - 1; j >= 0; j--) {
            if (matches(open.charAt(j), firstCloser)) {
                return j;
            }
        }
        return -1;
    }

    private static boolean matches(char open, char close) {
        return switch (open) {
            case '(' -> close == ')';
            case '[' -> close == ']';
            case '{', '$' -> close == '}';
            default -> false;
        };
    }

    /** Indentation of the last non-blank line of the prefix, plus one after a line ending in ':'. */
    private static int previousIndent(String prefix) {
        int end = prefix.length();
        while (end > 0) {
            int start = prefix.lastIndexOf('\n', end - 1) + 1;
            String line = prefix.substring(start, end);
            if (!line.isBlank()) {
                int indent = indentWidth(line, 0, leadingBlankCount(line));
                return line.stripTrailing().endsWith(":") ? indent + 1 : indent;
            }
            end = start - 1;
        }
        return 0;
    }

    private static int leadingBlankCount(CharSequence line) {
        int k = 0;
        while (k < line.length() && (line.charAt(k) == ' ' || line.charAt(k) == '\t')) {
            k++;
        }
        return k;
    }

    /** Columns of the white space between {@code from} and {@code to}; tabs advance to multiples of 8, as in Python. */
    private static int indentWidth(CharSequence text, int from, int to) {
        int width = 0;
        for (int k = from; k < to; k++) {
            char c = text.charAt(k);
            if (c == '\t') {
                width = (width / 8 + 1) * 8;
            } else if (c == ' ') {
                width++;
            }
        }
        return width;
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
    }

    private static int indexOf(CharSequence text, char c, int from) {
        for (int k = Math.max(0, from); k < text.length(); k++) {
            if (text.charAt(k) == c) {
                return k;
            }
        }
        return -1;
    }

    private static int lastIndexOf(CharSequence text, char c, int from) {
        for (int k = Math.min(from, text.length() - 1); k >= 0; k--) {
            if (text.charAt(k) == c) {
                return k;
            }
        }
        return -1;
    }
}
