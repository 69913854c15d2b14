package dev.hearth.chat;

import java.util.HashMap;
import java.util.Map;

/**
 * Variables visible at one point of a render. jinja2 gives each loop iteration and each macro
 * call its own scope, so a plain {@code set} there does not leak out (hence {@code namespace()});
 * {@code if} blocks share the enclosing scope.
 */
final class Scope {

    private final Scope parent;
    private final Map<String, Object> vars = new HashMap<>();

    Scope(Scope parent) {
        this.parent = parent;
    }

    /** The value of name, or {@link Undefined} if no enclosing scope defines it. */
    Object lookup(String name) {
        for (Scope s = this; s != null; s = s.parent) {
            Object v = s.vars.get(name);
            if (v != null || s.vars.containsKey(name)) return v;
        }
        return Undefined.name(name);
    }

    void set(String name, Object value) {
        vars.put(name, value);
    }
}
