package dev.hearth.chat;

import java.util.List;

/** The {@code loop} variable inside a for loop: position, neighbours, cycle(), changed(). */
final class LoopContext {

    private final List<Object> items;
    private final LoopContext parentDepth;
    private final PyCallable recurse;
    int index0;
    private Object lastChanged = NOTHING;

    private static final Object NOTHING = new Object();

    LoopContext(List<Object> items, LoopContext outerRecursion, PyCallable recurse) {
        this.items = items;
        this.parentDepth = outerRecursion;
        this.recurse = recurse;
    }

    private int depth() { return parentDepth == null ? 1 : parentDepth.depth() + 1; }

    Object attr(String name) {
        int n = items.size();
        return switch (name) {
            case "index" -> (long) index0 + 1;
            case "index0" -> (long) index0;
            case "revindex" -> (long) (n - index0);
            case "revindex0" -> (long) (n - index0 - 1);
            case "first" -> index0 == 0;
            case "last" -> index0 == n - 1;
            case "length" -> (long) n;
            case "depth" -> (long) depth();
            case "depth0" -> (long) depth() - 1;
            case "previtem" -> index0 > 0 ? items.get(index0 - 1) : new Undefined("there is no previous item");
            case "nextitem" -> index0 + 1 < n ? items.get(index0 + 1) : new Undefined("there is no next item");
            case "cycle" -> (PyCallable) (args, kw) -> {
                if (args.isEmpty()) throw TemplateException.type("no items for cycling given");
                return args.get(index0 % args.size());
            };
            case "changed" -> (PyCallable) (args, kw) -> {
                Object now = new PyTuple(List.copyOf(args));
                if (lastChanged != NOTHING && PyOps.eq(lastChanged, now)) return false;
                lastChanged = now;
                return true;
            };
            default -> Undefined.attribute(this, name);
        };
    }

    /** {@code loop(children)} in a recursive loop renders the loop body again over children. */
    PyCallable recursion() {
        if (recurse == null) throw TemplateException.type("Tried to call non recursive loop.");
        return recurse;
    }
}
