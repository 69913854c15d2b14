package dev.hearth.chat;

/** One lexical token. {@code value} is the text, or the decoded value for strings and numbers. */
record Token(Type type, Object value, int line, int column) {

    enum Type {
        TEXT, VAR_BEGIN, VAR_END, BLOCK_BEGIN, BLOCK_END, NAME, STRING, INT, FLOAT, OP, EOF
    }

    String text() { return String.valueOf(value); }

    boolean is(Type t, String v) { return type == t && v.equals(value); }

    boolean isOp(String op) { return is(Type.OP, op); }

    boolean isName(String name) { return is(Type.NAME, name); }

    @Override
    public String toString() {
        return switch (type) {
            case EOF -> "end of template";
            case TEXT -> "template text";
            case VAR_BEGIN -> "'{{'";
            case VAR_END -> "'}}'";
            case BLOCK_BEGIN -> "'{%'";
            case BLOCK_END -> "'%}'";
            case STRING -> "string literal";
            default -> "'" + value + "'";
        };
    }
}
