package dev.hearth.chat;

/**
 * markupsafe's {@code Markup}: a string marked HTML-safe, produced by the {@code safe} and
 * {@code escape} filters. It matters even without autoescaping because {@code Markup + str}
 * HTML-escapes the plain side: {@code "'"|safe + "a'b"} renders {@code 'a&#39;b}. Only the
 * {@code +} operator and printing see Markup; everything else sees its plain text
 * (see {@link Interpreter#evalRaw}).
 */
record Markup(String text) {

    /** {@code left + right} where at least one side is Markup. */
    static Object concat(Object left, Object right) {
        if (left instanceof Undefined u) throw u.fail();
        if (right instanceof Undefined u) throw u.fail();
        return new Markup(side(left, right) + side(right, left));
    }

    private static String side(Object v, Object other) {
        if (v instanceof Markup m) return m.text();
        if (v instanceof String s) return Filters.escape(s);
        throw TemplateException.type("unsupported operand type(s) for +: '"
                + (v instanceof Markup || v instanceof String ? "Markup" : PyFormat.typeName(v)) + "' and '"
                + (other instanceof Markup ? "Markup" : PyFormat.typeName(other)) + "'");
    }

    @Override
    public String toString() {
        return text;
    }
}
