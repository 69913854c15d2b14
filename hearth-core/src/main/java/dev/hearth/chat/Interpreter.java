package dev.hearth.chat;

import java.time.Clock;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Walks the AST: executes statements into a StringBuilder and evaluates expressions with Python
 * semantics ({@link PyOps}). One instance per render; not thread-safe.
 */
final class Interpreter {

    /** How a statement list ended: normally, or by {@code break}/{@code continue} inside a loop. */
    private enum Flow { NORMAL, BREAK, CONTINUE }

    /** Guards against runaway recursion (recursive loops, macros calling themselves). */
    private static final int MAX_DEPTH = 500;
    /** jinja2's sandbox refuses ranges longer than this. */
    private static final long MAX_RANGE = 100_000;

    private final Clock clock;
    private int depth;

    Interpreter(Clock clock) {
        this.clock = clock;
    }

    String render(List<Stmt> body, Map<String, Object> context) {
        Scope globals = new Scope(null);
        installGlobals(globals);
        Scope root = new Scope(globals);
        for (Map.Entry<String, Object> e : context.entrySet()) root.set(e.getKey(), e.getValue());
        StringBuilder out = new StringBuilder();
        exec(body, root, out);
        return out.toString();
    }

    private void installGlobals(Scope g) {
        g.set("raise_exception", (PyCallable) (args, kw) -> {
            String msg = args.isEmpty() ? PyFormat.str(kw.get("message")) : PyFormat.str(args.getFirst());
            throw new TemplateException(TemplateException.Kind.RAISED, msg);
        });
        g.set("strftime_now", (PyCallable) (args, kw) ->
                Strftime.format(LocalDateTime.now(clock), PyFormat.str(new Args(args, kw).require(0, "format", "strftime_now"))));
        g.set("range", (PyCallable) (args, kw) -> range(args));
        g.set("namespace", (PyCallable) (args, kw) -> {
            Namespace ns = new Namespace();
            if (!args.isEmpty()) {
                if (!(args.getFirst() instanceof Map<?, ?> init)) throw TemplateException.type("namespace() expects a dict");
                for (Map.Entry<?, ?> e : init.entrySet()) ns.attrs.put(PyFormat.str(e.getKey()), e.getValue());
            }
            ns.attrs.putAll(kw);
            return ns;
        });
        g.set("dict", (PyCallable) (args, kw) -> {
            Map<Object, Object> d = new LinkedHashMap<>();
            if (!args.isEmpty()) {
                if (args.getFirst() instanceof Map<?, ?> m) d.putAll(m);
                else for (Object pair : PyOps.iterate(args.getFirst())) {
                    List<Object> kv = PyOps.iterate(pair);
                    d.put(kv.get(0), kv.get(1));
                }
            }
            d.putAll(kw);
            return d;
        });
    }

    private static PyRange range(List<Object> args) {
        long start = 0, stop, step = 1;
        if (args.isEmpty()) throw TemplateException.type("range expected at least 1 argument, got 0");
        for (Object a : args) {
            if (!(a instanceof Long || a instanceof Boolean)) {
                throw TemplateException.type("'" + PyFormat.typeName(a) + "' object cannot be interpreted as an integer");
            }
        }
        if (args.size() == 1) {
            stop = num(args.get(0));
        } else {
            start = num(args.get(0));
            stop = num(args.get(1));
            if (args.size() > 2) step = num(args.get(2));
        }
        if (step == 0) throw TemplateException.type("range() arg 3 must not be zero");
        PyRange r = new PyRange(start, stop, step);
        if (r.size() > MAX_RANGE) {
            throw new TemplateException(TemplateException.Kind.SECURITY,
                    "Range too big. The sandbox blocks ranges larger than MAX_RANGE (100000).");
        }
        return r;
    }

    private static long num(Object v) {
        return v instanceof Boolean b ? (b ? 1 : 0) : (Long) v;
    }

    // ---- statements ----

    private Flow exec(List<Stmt> body, Scope scope, StringBuilder out) {
        for (Stmt s : body) {
            Flow f;
            try {
                f = exec(s, scope, out);
            } catch (TemplateException e) {
                throw e.at(s.line());
            } catch (ArithmeticException e) { // Math.*Exact overflow: Python would use a big int
                throw new TemplateException(TemplateException.Kind.TYPE, "integer overflow", s.line(), 0);
            }
            if (f != Flow.NORMAL) return f;
        }
        return Flow.NORMAL;
    }

    private Flow exec(Stmt stmt, Scope scope, StringBuilder out) {
        switch (stmt) {
            case Stmt.Text t -> out.append(t.text());
            case Stmt.Output o -> out.append(PyFormat.str(evalRaw(o.expr(), scope)));
            case Stmt.If i -> {
                for (int k = 0; k < i.conditions().size(); k++) {
                    if (PyOps.truthy(eval(i.conditions().get(k), scope))) return exec(i.bodies().get(k), scope, out);
                }
                return exec(i.orElse(), scope, out);
            }
            case Stmt.For f -> execFor(f, eval(f.iterable(), scope), scope, out, null);
            case Stmt.Set s -> assign(s.target(), eval(s.value(), scope), scope);
            case Stmt.SetBlock s -> {
                StringBuilder captured = new StringBuilder();
                exec(s.body(), scope, captured);
                Object value = captured.toString();
                if (s.filter() != null) value = applyFilterChain(s.filter(), value, scope);
                assign(s.target(), value, scope);
            }
            case Stmt.Macro m -> scope.set(m.name(), new Macro(m, scope, this));
            case Stmt.CallBlock c -> {
                Stmt.Macro callerDef = new Stmt.Macro("caller", c.params(), c.defaults(), c.body(), c.line());
                Macro caller = new Macro(callerDef, scope, this);
                Object fn = eval(c.call().fn(), scope);
                List<Object> args = new ArrayList<>();
                Map<String, Object> kwargs = new LinkedHashMap<>();
                evalArgs(c.call().args(), scope, args, kwargs);
                kwargs.put("caller", caller);
                out.append(PyFormat.str(call(fn, args, kwargs)));
            }
            case Stmt.FilterBlock fb -> {
                StringBuilder captured = new StringBuilder();
                exec(fb.body(), scope, captured);
                out.append(PyFormat.str(applyFilterChain(fb.filter(), captured.toString(), scope)));
            }
            case Stmt.With w -> {
                Scope inner = new Scope(scope);
                for (int k = 0; k < w.targets().size(); k++) assign(w.targets().get(k), eval(w.values().get(k), scope), inner);
                return exec(w.body(), inner, out);
            }
            case Stmt.Break b -> { return Flow.BREAK; }
            case Stmt.Continue c -> { return Flow.CONTINUE; }
            case Stmt.Generation g -> { return exec(g.body(), scope, out); }
        }
        return Flow.NORMAL;
    }

    /**
     * Runs a for loop. Items are filtered first (so loop.length and loop.last see only kept items);
     * each iteration gets a fresh scope, so plain sets inside do not survive it, as in jinja2.
     */
    private void execFor(Stmt.For f, Object iterable, Scope scope, StringBuilder out, LoopContext outer) {
        if (++depth > MAX_DEPTH) throw TemplateException.type("maximum recursion depth exceeded");
        try {
            List<Object> items = PyOps.iterate(iterable);
            if (f.filter() != null) {
                List<Object> kept = new ArrayList<>();
                for (Object item : items) {
                    Scope probe = new Scope(scope);
                    assign(f.target(), item, probe);
                    if (PyOps.truthy(eval(f.filter(), probe))) kept.add(item);
                }
                items = kept;
            }
            final LoopContext[] self = new LoopContext[1];
            PyCallable recurse = !f.recursive() ? null : (args, kw) -> {
                StringBuilder sub = new StringBuilder();
                execFor(f, args.isEmpty() ? new Undefined("missing loop argument") : args.getFirst(), scope, sub, self[0]);
                return sub.toString();
            };
            LoopContext loop = new LoopContext(items, outer, recurse);
            self[0] = loop;
            // jinja2 clears its "run the else block" flag at the end of the body, so the else block
            // runs unless some iteration reached the end of the body without break or continue.
            boolean bodyCompleted = false;
            for (int i = 0; i < items.size(); i++) {
                loop.index0 = i;
                Scope iter = new Scope(scope);
                assign(f.target(), items.get(i), iter);
                iter.set("loop", loop);
                Flow flow = exec(f.body(), iter, out);
                if (flow == Flow.NORMAL) bodyCompleted = true;
                if (flow == Flow.BREAK) break;
            }
            if (!bodyCompleted) exec(f.orElse(), scope, out);
        } finally {
            depth--;
        }
    }

    private void assign(Stmt.Target target, Object value, Scope scope) {
        switch (target) {
            case Stmt.NameTarget n -> scope.set(n.name(), value);
            case Stmt.TupleTarget t -> {
                List<Object> values = PyOps.iterate(value);
                if (values.size() != t.items().size()) {
                    throw TemplateException.type(values.size() > t.items().size()
                            ? "too many values to unpack (expected " + t.items().size() + ")"
                            : "not enough values to unpack (expected " + t.items().size() + ", got " + values.size() + ")");
                }
                for (int i = 0; i < values.size(); i++) assign(t.items().get(i), values.get(i), scope);
            }
            case Stmt.AttrTarget a -> {
                if (!(scope.lookup(a.object()) instanceof Namespace ns)) {
                    throw TemplateException.type("cannot assign attribute on non-namespace object");
                }
                ns.attrs.put(a.attr(), value);
            }
        }
    }

    Object callMacro(Macro m, List<Object> args, Map<String, Object> kwargs) {
        if (++depth > MAX_DEPTH) throw TemplateException.type("maximum recursion depth exceeded");
        try {
            Stmt.Macro def = m.def();
            Scope scope = new Scope(m.closure());
            Map<String, Object> rest = new LinkedHashMap<>(kwargs);
            for (int i = 0; i < def.params().size(); i++) {
                String p = def.params().get(i);
                Object v;
                if (i < args.size()) v = args.get(i);
                else if (rest.containsKey(p)) v = rest.get(p);
                else if (def.defaults().get(i) != null) v = eval(def.defaults().get(i), scope);
                else v = new Undefined("parameter '" + p + "' was not provided");
                rest.remove(p);
                scope.set(p, v);
            }
            if (rest.containsKey("caller")) scope.set("caller", rest.remove("caller"));
            scope.set("varargs", new PyTuple(args.size() > def.params().size()
                    ? new ArrayList<>(args.subList(def.params().size(), args.size())) : new ArrayList<>()));
            scope.set("kwargs", new LinkedHashMap<Object, Object>(rest));
            StringBuilder out = new StringBuilder();
            exec(def.body(), scope, out);
            return out.toString();
        } finally {
            depth--;
        }
    }

    // ---- expressions ----

    Object eval(Expr expr, Scope scope) {
        return switch (expr) {
            case Expr.Literal l -> l.value();
            case Expr.Name n -> scope.lookup(n.name());
            case Expr.ListLit l -> {
                List<Object> items = new ArrayList<>(l.items().size());
                for (Expr e : l.items()) items.add(eval(e, scope));
                yield items;
            }
            case Expr.TupleLit t -> {
                List<Object> items = new ArrayList<>(t.items().size());
                for (Expr e : t.items()) items.add(eval(e, scope));
                yield new PyTuple(items);
            }
            case Expr.DictLit d -> {
                Map<Object, Object> m = new LinkedHashMap<>();
                for (int i = 0; i < d.keys().size(); i++) m.put(eval(d.keys().get(i), scope), eval(d.values().get(i), scope));
                yield m;
            }
            case Expr.GetAttr g -> PyOps.getAttr(eval(g.obj(), scope), g.name());
            case Expr.GetItem g -> PyOps.getItem(eval(g.obj(), scope), eval(g.index(), scope));
            case Expr.Slice s -> new PyOps.SliceValue(
                    s.start() == null ? null : eval(s.start(), scope),
                    s.stop() == null ? null : eval(s.stop(), scope),
                    s.step() == null ? null : eval(s.step(), scope));
            case Expr.Call c -> {
                Object fn = eval(c.fn(), scope);
                List<Object> args = new ArrayList<>();
                Map<String, Object> kwargs = new LinkedHashMap<>();
                evalArgs(c.args(), scope, args, kwargs);
                yield call(fn, args, kwargs);
            }
            case Expr.Filter f -> {
                if (MARKUP_FILTERS.contains(f.name())) yield unwrap(evalRaw(f, scope));
                yield applyFilter(f, eval(f.value(), scope), scope);
            }
            case Expr.Test t -> {
                if (!Tests.exists(t.name())) throw TemplateException.type("No test named '" + t.name() + "' found.");
                boolean r = Tests.apply(t.name(), eval(t.value(), scope), evalArgs(t.args(), scope));
                yield r != t.negated();
            }
            case Expr.Unary u -> switch (u.op()) {
                case "not" -> !PyOps.truthy(eval(u.operand(), scope));
                case "-" -> PyOps.negate(eval(u.operand(), scope));
                default -> {
                    Object v = eval(u.operand(), scope);
                    if (v instanceof Undefined un) throw un.fail();
                    if (!PyOps.isNumber(v)) throw TemplateException.type("bad operand type for unary +: '" + PyFormat.typeName(v) + "'");
                    yield v instanceof Boolean b ? (Object) (b ? 1L : 0L) : v;
                }
            };
            case Expr.Binary b -> switch (b.op()) {
                case "and" -> {
                    Object left = eval(b.left(), scope);
                    yield PyOps.truthy(left) ? eval(b.right(), scope) : left;
                }
                case "or" -> {
                    Object left = eval(b.left(), scope);
                    yield PyOps.truthy(left) ? left : eval(b.right(), scope);
                }
                case "~" -> PyFormat.str(eval(b.left(), scope)) + PyFormat.str(eval(b.right(), scope));
                case "+" -> unwrap(evalRaw(b, scope));
                default -> PyOps.binary(b.op(), eval(b.left(), scope), eval(b.right(), scope));
            };
            case Expr.Compare c -> {
                Object left = eval(c.first(), scope);
                for (int i = 0; i < c.ops().size(); i++) {
                    Object right = eval(c.operands().get(i), scope);
                    if (!compare(c.ops().get(i), left, right)) yield false;
                    left = right;
                }
                yield true;
            }
            case Expr.Conditional c -> {
                if (PyOps.truthy(eval(c.cond(), scope))) yield eval(c.then(), scope);
                yield c.otherwise() == null
                        ? new Undefined("the inline if-expression evaluated to false and no else section was defined.")
                        : eval(c.otherwise(), scope);
            }
        };
    }

    /** Filters whose result is {@link Markup}. */
    private static final java.util.Set<String> MARKUP_FILTERS = java.util.Set.of("safe", "e", "escape", "forceescape");

    /**
     * Like {@link #eval} but keeps {@link Markup} results, for the places where Python would see
     * the difference: the operands of {@code +} and printed output. Everywhere else Markup is
     * plain text (a {@code set} stores the text; see Markup for why this is enough).
     */
    Object evalRaw(Expr expr, Scope scope) {
        return switch (expr) {
            case Expr.Filter f when MARKUP_FILTERS.contains(f.name()) -> {
                Object in = evalRaw(f.value(), scope);
                if (in instanceof Markup && !f.name().equals("forceescape")) yield in;
                String text = PyFormat.str(unwrap(in));
                yield new Markup(f.name().equals("safe") ? text : Filters.escape(text));
            }
            case Expr.Binary b when b.op().equals("+") -> {
                Object left = evalRaw(b.left(), scope), right = evalRaw(b.right(), scope);
                if (left instanceof Markup || right instanceof Markup) yield Markup.concat(left, right);
                yield PyOps.binary("+", left, right);
            }
            default -> eval(expr, scope);
        };
    }

    private static Object unwrap(Object v) {
        return v instanceof Markup m ? m.text() : v;
    }

    private static boolean compare(String op, Object a, Object b) {
        if ((a instanceof Double x && x.isNaN()) || (b instanceof Double y && y.isNaN())) {
            if (PyOps.isNumber(a) && PyOps.isNumber(b) && !op.equals("in") && !op.equals("not in")) {
                return op.equals("!="); // every ordering and equality with NaN is false
            }
        }
        return switch (op) {
            case "==" -> PyOps.eq(a, b);
            case "!=" -> !PyOps.eq(a, b);
            case "in" -> PyOps.contains(b, a);
            case "not in" -> !PyOps.contains(b, a);
            case "<" -> PyOps.compare(a, b, op) < 0;
            case "<=" -> PyOps.compare(a, b, op) <= 0;
            case ">" -> PyOps.compare(a, b, op) > 0;
            case ">=" -> PyOps.compare(a, b, op) >= 0;
            default -> throw new IllegalStateException(op);
        };
    }

    private Object call(Object fn, List<Object> args, Map<String, Object> kwargs) {
        return switch (fn) {
            case PyCallable c -> c.call(args, kwargs);
            case LoopContext loop -> loop.recursion().call(args, kwargs);
            case Undefined u -> throw u.fail();
            case null, default -> throw TemplateException.type("'" + PyFormat.typeName(fn) + "' object is not callable");
        };
    }

    private void evalArgs(Expr.Args a, Scope scope, List<Object> args, Map<String, Object> kwargs) {
        for (Expr e : a.positional()) args.add(eval(e, scope));
        for (int i = 0; i < a.names().size(); i++) kwargs.put(a.names().get(i), eval(a.named().get(i), scope));
    }

    private Args evalArgs(Expr.Args a, Scope scope) {
        if (a.positional().isEmpty() && a.names().isEmpty()) return Args.EMPTY;
        List<Object> args = new ArrayList<>();
        Map<String, Object> kwargs = new LinkedHashMap<>();
        evalArgs(a, scope, args, kwargs);
        return new Args(args, kwargs);
    }

    private Object applyFilter(Expr.Filter f, Object value, Scope scope) {
        if (!Filters.exists(f.name())) throw TemplateException.type("No filter named '" + f.name() + "' found.");
        return Filters.apply(f.name(), value, evalArgs(f.args(), scope));
    }

    /** A filter chain parsed with a null innermost value (filter blocks, set blocks) applied to input. */
    private Object applyFilterChain(Expr chain, Object input, Scope scope) {
        Expr.Filter f = (Expr.Filter) chain;
        Object inner = f.value() == null ? input : applyFilterChain(f.value(), input, scope);
        return applyFilter(f, inner, scope);
    }
}
