package dev.hearth.chat;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits template source into tokens, applying the whitespace rules of jinja2 as configured by
 * Hugging Face ({@code trim_blocks=True, lstrip_blocks=True}):
 * <ul>
 *   <li>Newlines are normalized to {@code \n} and one trailing newline is dropped
 *       ({@code keep_trailing_newline=False}).</li>
 *   <li>{@code {%-}, {@code {{-}, {@code {#-} strip all whitespace before the tag;
 *       {@code -%}}, {@code -}}}, {@code -#}} strip all whitespace after it.</li>
 *   <li>trim_blocks: one newline right after {@code %}} or {@code #}} is removed
 *       (not after {@code }}}); {@code +%}} keeps it.</li>
 *   <li>lstrip_blocks: spaces and tabs between a line start and {@code {%} or {@code {#} are removed
 *       (not before {@code {{}); {@code {%+} keeps them.</li>
 * </ul>
 * Comments are dropped here; the parser never sees them.
 */
final class Lexer {

    private static final String[] OPERATORS = {
        "//", "**", "==", "!=", "<=", ">=",
        "+", "-", "/", "*", "%", "~", "[", "]", "(", ")", "{", "}", "<", ">", "=", ".", ":", "|", ",", ";"
    };

    private final String src;
    private final List<Token> tokens = new ArrayList<>();
    private int pos;
    private List<Integer> lineStarts;

    private Lexer(String source) {
        this.src = normalize(source);
    }

    static List<Token> tokenize(String source) {
        Lexer lexer = new Lexer(source);
        lexer.run();
        return lexer.tokens;
    }

    /** \r\n and \r become \n, and a single trailing newline is removed, as jinja2 does by default. */
    private static String normalize(String s) {
        String t = s.replace("\r\n", "\n").replace('\r', '\n');
        return t.endsWith("\n") ? t.substring(0, t.length() - 1) : t;
    }

    private void run() {
        while (pos < src.length()) {
            int tag = nextTagStart(pos);
            if (tag < 0) {
                addText(src.substring(pos), pos);
                pos = src.length();
                break;
            }
            char kind = src.charAt(tag + 1);
            char marker = tag + 2 < src.length() ? src.charAt(tag + 2) : 0;
            String text = src.substring(pos, tag);
            if (marker == '-') {
                text = PyStrings.rstrip(text, null);
            } else if (marker != '+' && kind != '{') {
                text = lstripBlock(text, pos == 0 || src.charAt(pos - 1) == '\n');
            }
            addText(text, pos);
            int inner = tag + 2 + (marker == '-' || marker == '+' ? 1 : 0);
            if (kind == '%' && rawBlock(tag, inner)) continue;
            switch (kind) {
                case '#' -> skipComment(tag, inner);
                case '%' -> lexTag(tag, inner, Token.Type.BLOCK_BEGIN, Token.Type.BLOCK_END, '%');
                default -> lexTag(tag, inner, Token.Type.VAR_BEGIN, Token.Type.VAR_END, '}');
            }
        }
        tokens.add(new Token(Token.Type.EOF, "", lineOf(src.length()), 0));
    }

    /** lstrip_blocks: drop the whitespace-only tail of the text if it sits at the start of a line. */
    private static String lstripBlock(String text, boolean textStartsLine) {
        int lineStart = text.lastIndexOf('\n') + 1;
        if (lineStart == 0 && !textStartsLine) return text;
        if (lineStart == text.length()) return text;
        for (int i = lineStart; i < text.length(); i++) {
            if (!PyStrings.isSpace(text.charAt(i))) return text;
        }
        return text.substring(0, lineStart);
    }

    private int nextTagStart(int from) {
        int i = src.indexOf('{', from);
        while (i >= 0 && i + 1 < src.length()) {
            char c = src.charAt(i + 1);
            if (c == '{' || c == '%' || c == '#') return i;
            i = src.indexOf('{', i + 1);
        }
        return -1;
    }

    private void addText(String text, int at) {
        if (!text.isEmpty()) tokens.add(new Token(Token.Type.TEXT, text, lineOf(at), 0));
    }

    private static final java.util.regex.Pattern RAW_BEGIN =
            java.util.regex.Pattern.compile("\\s*raw\\s*(?:-%\\}\\s*|%\\})");
    private static final java.util.regex.Pattern RAW_END =
            java.util.regex.Pattern.compile("\\{%([-+]?)\\s*endraw\\s*(\\+%\\}|-%\\}\\s*|%\\}\\n?)");

    /**
     * {@code {% raw %}...{% endraw %}}: the inside is text, even if it looks like tags. The end tag
     * gets the usual whitespace handling; the begin tag is not followed by trim_blocks (as in jinja2).
     */
    private boolean rawBlock(int tagStart, int inner) {
        java.util.regex.Matcher begin = RAW_BEGIN.matcher(src).region(inner, src.length());
        if (!begin.lookingAt()) return false;
        java.util.regex.Matcher end = RAW_END.matcher(src);
        if (!end.find(begin.end())) throw error("Missing end of raw directive", tagStart);
        String text = src.substring(begin.end(), end.start());
        if (end.group(1).equals("-")) {
            text = PyStrings.rstrip(text, null);
        } else if (end.group(1).isEmpty()) {
            text = lstripBlock(text, begin.end() > 0 && src.charAt(begin.end() - 1) == '\n');
        }
        addText(text, begin.end());
        pos = end.end();
        return true;
    }

    private void skipComment(int tagStart, int inner) {
        int end = src.indexOf("#}", inner);
        if (end < 0) throw error("Missing end of comment tag", tagStart);
        char before = src.charAt(end - 1);
        pos = afterTagEnd(end + 2, end - 1 >= inner ? before : 0, true);
    }

    /** Where the text after a tag starts, given the character before the closing delimiter. */
    private int afterTagEnd(int p, char modifier, boolean trimBlock) {
        if (modifier == '-') {
            while (p < src.length() && PyStrings.isSpace(src.charAt(p))) p++;
        } else if (modifier != '+' && trimBlock && p < src.length() && src.charAt(p) == '\n') {
            p++;
        }
        return p;
    }

    private void lexTag(int tagStart, int inner, Token.Type begin, Token.Type end, char closer) {
        tokens.add(new Token(begin, src.substring(tagStart, inner), lineOf(tagStart), columnOf(tagStart)));
        int p = inner;
        int depth = 0; // brackets must balance before '}}' or '%}' can close the tag
        while (true) {
            while (p < src.length() && PyStrings.isSpace(src.charAt(p))) p++; // jinja2 skips \s+ here
            if (p >= src.length()) throw error("Unexpected end of template, tag was not closed", tagStart);
            if (depth == 0) {
                int close = closeAt(p, closer);
                if (close > 0) {
                    char modifier = src.charAt(p);
                    tokens.add(new Token(end, src.substring(p, p + close), lineOf(p), columnOf(p)));
                    pos = afterTagEnd(p + close, modifier, closer == '%');
                    return;
                }
            }
            char c = src.charAt(p);
            int line = lineOf(p), col = columnOf(p);
            if (Character.isLetter(c) || c == '_') {
                int s = p;
                while (p < src.length() && (Character.isLetterOrDigit(src.charAt(p)) || src.charAt(p) == '_')) p++;
                tokens.add(new Token(Token.Type.NAME, src.substring(s, p), line, col));
            } else if (Character.isDigit(c)) {
                p = lexNumber(p, line, col);
            } else if (c == '\'' || c == '"') {
                p = lexString(p, line, col);
            } else {
                String op = null;
                for (String o : OPERATORS) {
                    if (src.startsWith(o, p)) { op = o; break; }
                }
                if (op == null) throw error("Unexpected char '" + c + "'", p);
                if ("([{".contains(op)) depth++;
                if (")]}".contains(op)) depth = Math.max(0, depth - 1);
                tokens.add(new Token(Token.Type.OP, op, line, col));
                p += op.length();
            }
        }
    }

    /** Length of the closing delimiter at p ("-%}", "+%}", "%}", "-}}", "}}"), or 0. */
    private int closeAt(int p, char closer) {
        String plain = closer == '%' ? "%}" : "}}";
        if (src.startsWith(plain, p)) return 2;
        if (src.startsWith("-" + plain, p)) return 3;
        if (closer == '%' && src.startsWith("+" + plain, p)) return 3;
        return 0;
    }

    private int lexNumber(int p, int line, int col) {
        int s = p;
        while (p < src.length() && (Character.isDigit(src.charAt(p)) || src.charAt(p) == '_')) p++;
        boolean isFloat = false;
        // A '.' starts a fraction only when a digit follows and we are not after an attribute dot (x.0.1).
        boolean afterDot = !tokens.isEmpty() && tokens.getLast().isOp(".");
        if (!afterDot && p + 1 < src.length() && src.charAt(p) == '.' && Character.isDigit(src.charAt(p + 1))) {
            isFloat = true;
            p++;
            while (p < src.length() && (Character.isDigit(src.charAt(p)) || src.charAt(p) == '_')) p++;
        }
        if (!afterDot && p < src.length() && (src.charAt(p) == 'e' || src.charAt(p) == 'E')) {
            int q = p + 1;
            if (q < src.length() && (src.charAt(q) == '+' || src.charAt(q) == '-')) q++;
            if (q < src.length() && Character.isDigit(src.charAt(q))) {
                isFloat = true;
                p = q;
                while (p < src.length() && Character.isDigit(src.charAt(p))) p++;
            }
        }
        String text = src.substring(s, p).replace("_", "");
        if (isFloat) {
            tokens.add(new Token(Token.Type.FLOAT, Double.parseDouble(text), line, col));
        } else {
            tokens.add(new Token(Token.Type.INT, Long.parseLong(text), line, col));
        }
        return p;
    }

    private int lexString(int p, int line, int col) {
        char quote = src.charAt(p);
        int i = p + 1;
        StringBuilder raw = new StringBuilder();
        while (true) {
            if (i >= src.length()) throw error("unexpected end of string", p);
            char c = src.charAt(i);
            if (c == '\\' && i + 1 < src.length()) {
                raw.append(c).append(src.charAt(i + 1));
                i += 2;
                continue;
            }
            if (c == quote) break;
            raw.append(c);
            i++;
        }
        tokens.add(new Token(Token.Type.STRING, unescape(raw.toString(), p), line, col));
        return i + 1;
    }

    /** Python's "unicode-escape" decoding, which jinja2 applies to string literals. */
    private String unescape(String s, int at) {
        if (s.indexOf('\\') < 0) return s;
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 >= s.length()) {
                out.append(c);
                continue;
            }
            char e = s.charAt(++i);
            switch (e) {
                case '\n' -> { } // line continuation
                case '\\' -> out.append('\\');
                case '\'' -> out.append('\'');
                case '"' -> out.append('"');
                case 'a' -> out.append('\u0007');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'v' -> out.append('\u000b');
                case 'x', 'u', 'U' -> {
                    int n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
                    String hex = s.substring(i + 1, Math.min(s.length(), i + 1 + n));
                    if (hex.length() != n || !hex.chars().allMatch(ch -> Character.digit(ch, 16) >= 0)) {
                        throw error("truncated \\" + e + " escape", at);
                    }
                    out.appendCodePoint(Integer.parseInt(hex, 16));
                    i += n;
                }
                default -> {
                    if (e >= '0' && e <= '7') {
                        int j = i, v = 0;
                        while (j < s.length() && j < i + 3 && s.charAt(j) >= '0' && s.charAt(j) <= '7') {
                            v = v * 8 + (s.charAt(j) - '0');
                            j++;
                        }
                        out.appendCodePoint(v);
                        i = j - 1;
                    } else {
                        out.append('\\').append(e); // unknown escapes stay as written, like Python
                    }
                }
            }
        }
        return out.toString();
    }

    private int lineOf(int offset) {
        if (lineStarts == null) {
            lineStarts = new ArrayList<>();
            lineStarts.add(0);
            for (int i = 0; i < src.length(); i++) if (src.charAt(i) == '\n') lineStarts.add(i + 1);
        }
        int lo = 0, hi = lineStarts.size() - 1;
        while (lo < hi) { // last line start <= offset
            int mid = (lo + hi + 1) >>> 1;
            if (lineStarts.get(mid) <= offset) lo = mid; else hi = mid - 1;
        }
        return lo + 1;
    }

    private int columnOf(int offset) {
        return offset - lineStarts.get(lineOf(offset) - 1) + 1;
    }

    private TemplateException error(String message, int offset) {
        return new TemplateException(TemplateException.Kind.SYNTAX, message, lineOf(offset), columnOf(offset));
    }
}
