package dev.hearth.chat;

/**
 * jinja2's default {@code Undefined}: what a missing variable, key or attribute evaluates to.
 * It prints as the empty string, is falsy, iterates as empty and has length 0, but using it in
 * arithmetic, calling it, or taking an attribute or item of it fails with {@link #hint}.
 */
final class Undefined {

    /** The UndefinedError message, e.g. "'foo' is undefined" or "'dict object' has no attribute 'x'". */
    final String hint;

    Undefined(String hint) {
        this.hint = hint;
    }

    static Undefined name(String name) {
        return new Undefined("'" + name + "' is undefined");
    }

    static Undefined attribute(Object owner, Object attr) {
        return new Undefined(PyFormat.objectDescription(owner) + " has no attribute " + PyFormat.repr(attr));
    }

    TemplateException fail() {
        return TemplateException.undefined(hint);
    }

    @Override
    public String toString() {
        return "";
    }
}
