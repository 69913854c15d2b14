package dev.hearth.chat;

import java.util.List;
import java.util.Map;

/** Anything a template can call: globals, macros, bound str/dict methods, loop.cycle. */
@FunctionalInterface
interface PyCallable {
    Object call(List<Object> args, Map<String, Object> kwargs);
}
