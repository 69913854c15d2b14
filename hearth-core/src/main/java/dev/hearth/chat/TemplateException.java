package dev.hearth.chat;

/**
 * Any failure to parse or render a chat template. {@link #line()} is the 1-based template line
 * where it happened (0 when unknown). {@link Kind} tells raise_exception() apart from interpreter
 * errors, so callers such as {@link ChatTemplates} can react to a template's own refusal.
 */
public class TemplateException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** What went wrong, in jinja2's terms. */
    public enum Kind {
        /** The template source is not valid Jinja (TemplateSyntaxError). */
        SYNTAX,
        /** The template called raise_exception(message); getMessage() is exactly that message. */
        RAISED,
        /** An undefined value was used where jinja2 fails (UndefinedError). */
        UNDEFINED,
        /** The sandbox refused a mutating method such as list.append (SecurityError). */
        SECURITY,
        /** A Python-level type or value error (TypeError, ValueError, ...). */
        TYPE
    }

    private final Kind kind;
    private final int line;
    private final int column;

    public TemplateException(Kind kind, String message) {
        this(kind, message, 0, 0);
    }

    public TemplateException(Kind kind, String message, int line, int column) {
        super(message);
        this.kind = kind;
        this.line = line;
        this.column = column;
    }

    public Kind kind() { return kind; }

    public int line() { return line; }

    public int column() { return column; }

    /** Returns a copy located at {@code line}, unless this one already knows where it happened. */
    TemplateException at(int newLine) {
        if (line != 0 || newLine <= 0) return this;
        TemplateException located = new TemplateException(kind, getMessage(), newLine, 0);
        located.setStackTrace(getStackTrace());
        return located;
    }

    /** The message with its location, for logs and users; getMessage() stays the bare message. */
    public String describe() {
        if (line == 0) return getMessage();
        return getMessage() + " (template line " + line + (column > 0 ? ", column " + column : "") + ")";
    }

    static TemplateException type(String message) { return new TemplateException(Kind.TYPE, message); }

    static TemplateException undefined(String message) { return new TemplateException(Kind.UNDEFINED, message); }
}
