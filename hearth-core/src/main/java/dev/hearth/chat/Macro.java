package dev.hearth.chat;

import java.util.List;
import java.util.Map;

/**
 * A {@code {% macro %}} bound to the scope it was defined in. Calling it renders its body
 * in a fresh child scope and returns the text.
 */
record Macro(Stmt.Macro def, Scope closure, Interpreter interpreter) implements PyCallable {

    String name() { return def.name(); }

    @Override
    public Object call(List<Object> args, Map<String, Object> kwargs) {
        return interpreter.callMacro(this, args, kwargs);
    }
}
