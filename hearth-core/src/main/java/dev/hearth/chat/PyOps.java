package dev.hearth.chat;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Python semantics for the operations templates perform on values: truthiness, equality and
 * ordering, {@code in}, arithmetic (int vs float, floor division, modulo sign), iteration,
 * {@code len}, and jinja2's attribute/item lookup with its fallbacks to {@link Undefined}.
 *
 * <p>Values are: null (None), Boolean, Long, Double, String, List, Map, {@link PyTuple},
 * {@link Undefined}, {@link PyIterator}, {@link Namespace}, {@link LoopContext}, {@link PyCallable}.
 */
final class PyOps {

    private PyOps() { }

    /** A slice value, as produced by evaluating {@code [a:b:c]}. Parts may be null. */
    record SliceValue(Object start, Object stop, Object step) { }

    static boolean truthy(Object v) {
        return switch (v) {
            case null -> false;
            case Boolean b -> b;
            case Long l -> l != 0;
            case Double d -> d != 0.0;
            case Number n -> n.doubleValue() != 0;
            case String s -> !s.isEmpty();
            case List<?> l -> !l.isEmpty();
            case Map<?, ?> m -> !m.isEmpty();
            case PyTuple t -> !t.items().isEmpty();
            case Undefined u -> false;
            default -> true; // generators, namespaces, callables: Python objects are truthy
        };
    }

    static boolean isNumber(Object v) {
        return v instanceof Long || v instanceof Double || v instanceof Boolean;
    }

    /** int-like (Long or Boolean) as a long. */
    private static long asLong(Object v) {
        return v instanceof Boolean b ? (b ? 1 : 0) : (Long) v;
    }

    private static double asDouble(Object v) {
        return v instanceof Double d ? d : asLong(v);
    }

    static boolean eq(Object a, Object b) {
        if (a == b) return true;
        if (a == null || b == null) return false;
        if (a instanceof Undefined || b instanceof Undefined) return a instanceof Undefined && b instanceof Undefined;
        if (isNumber(a) && isNumber(b)) {
            if (a instanceof Double || b instanceof Double) return asDouble(a) == asDouble(b);
            return asLong(a) == asLong(b);
        }
        if (a instanceof String s) return s.equals(b);
        if (a instanceof PyRange != b instanceof PyRange) return false; // range(3) != [0, 1, 2]
        if (a instanceof PyDictView v) return v.pyEquals(b);
        if (b instanceof PyDictView v) return v.pyEquals(a);
        if (a instanceof List<?> x && b instanceof List<?> y) return seqEq(x, y);
        if (a instanceof PyTuple x && b instanceof PyTuple y) return seqEq(x.items(), y.items());
        if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
            if (x.size() != y.size()) return false;
            for (Map.Entry<?, ?> e : x.entrySet()) {
                Object k = findKey(y, e.getKey());
                if (k == NO_KEY || !eq(e.getValue(), y.get(k))) return false;
            }
            return true;
        }
        return a.equals(b);
    }

    private static boolean seqEq(List<?> x, List<?> y) {
        if (x.size() != y.size()) return false;
        for (int i = 0; i < x.size(); i++) if (!eq(x.get(i), y.get(i))) return false;
        return true;
    }

    private static final Object NO_KEY = new Object();

    /** The key of m equal (in Python's sense) to key, or NO_KEY. Handles 1 == 1.0 == True. */
    static Object findKey(Map<?, ?> m, Object key) {
        if (m.containsKey(key)) return key;
        if (key instanceof String || key == null) return NO_KEY;
        for (Object k : m.keySet()) if (eq(k, key)) return k;
        return NO_KEY;
    }

    static boolean hasKey(Map<?, ?> m, Object key) { return findKey(m, key) != NO_KEY; }

    /** Python's ordering for {@code < <= > >=}; returns negative, zero or positive. */
    static int compare(Object a, Object b, String op) {
        if (a instanceof Undefined u) throw u.fail();
        if (b instanceof Undefined u) throw u.fail();
        if (isNumber(a) && isNumber(b)) {
            if (a instanceof Double || b instanceof Double) {
                double x = asDouble(a), y = asDouble(b); // not Double.compare: -0.0 == 0.0 in Python
                return x < y ? -1 : x > y ? 1 : 0;
            }
            return Long.compare(asLong(a), asLong(b));
        }
        if (a instanceof String x && b instanceof String y) return PyStrings.compare(x, y);
        List<?> la = a instanceof PyTuple t ? t.items() : isList(a) ? (List<?>) a : null;
        List<?> lb = b instanceof PyTuple t ? t.items() : isList(b) ? (List<?>) b : null;
        if (la != null && lb != null && (a instanceof PyTuple) == (b instanceof PyTuple)) {
            for (int i = 0; i < Math.min(la.size(), lb.size()); i++) {
                if (!eq(la.get(i), lb.get(i))) return compare(la.get(i), lb.get(i), op);
            }
            return Integer.compare(la.size(), lb.size());
        }
        throw TemplateException.type("'" + op + "' not supported between instances of '"
                + PyFormat.typeName(a) + "' and '" + PyFormat.typeName(b) + "'");
    }

    /** {@code item in container}. */
    static boolean contains(Object container, Object item) {
        return switch (container) {
            case String s -> {
                if (item instanceof String sub) yield s.contains(sub);
                throw TemplateException.type("'in <string>' requires string as left operand, not " + PyFormat.typeName(item));
            }
            case Map<?, ?> m -> {
                if (isList(item) || item instanceof Map || item instanceof PyDictView) {
                    throw TemplateException.type("unhashable type: '" + PyFormat.typeName(item) + "'");
                }
                yield hasKey(m, item);
            }
            case Undefined u -> false;
            case null, default -> {
                if (container == null || isNumber(container)) {
                    throw TemplateException.type("argument of type '" + PyFormat.typeName(container) + "' is not iterable");
                }
                for (Object x : iterate(container)) if (eq(x, item)) yield true;
                yield false;
            }
        };
    }

    /** The items {@code for x in v} visits. Strings yield characters, dicts their keys. */
    static List<Object> iterate(Object v) {
        return switch (v) {
            case List<?> l -> new ArrayList<>(l);
            case PyTuple t -> new ArrayList<>(t.items());
            case Map<?, ?> m -> new ArrayList<>(m.keySet());
            case String s -> {
                List<Object> chars = new ArrayList<>();
                s.codePoints().forEach(c -> chars.add(Character.toString(c)));
                yield chars;
            }
            case Undefined u -> new ArrayList<>();
            case Iterator<?> it -> {
                List<Object> rest = new ArrayList<>();
                while (it.hasNext()) rest.add(it.next());
                yield rest;
            }
            case null, default -> throw TemplateException.type("'" + PyFormat.typeName(v) + "' object is not iterable");
        };
    }

    static long len(Object v) {
        return switch (v) {
            case String s -> PyStrings.length(s);
            case List<?> l -> l.size();
            case PyTuple t -> t.items().size();
            case Map<?, ?> m -> m.size();
            case Undefined u -> 0;
            case Namespace n -> throw TemplateException.type("object of type 'Namespace' has no len()");
            case null, default -> throw TemplateException.type("object of type '" + PyFormat.typeName(v) + "' has no len()");
        };
    }

    // ---- arithmetic ----

    static Object binary(String op, Object a, Object b) {
        if (op.equals("%") && a instanceof String fmt) return PercentFormat.format(fmt, b); // str.__mod__ goes first
        if (a instanceof Undefined u) throw u.fail();
        if (b instanceof Undefined u) throw u.fail();
        boolean nums = isNumber(a) && isNumber(b);
        boolean floats = nums && (a instanceof Double || b instanceof Double);
        switch (op) {
            case "+" -> {
                if (nums) return floats ? (Object) (asDouble(a) + asDouble(b)) : (Object) Math.addExact(asLong(a), asLong(b));
                if (a instanceof String x && b instanceof String y) return x + y;
                if (a instanceof List<?> x && b instanceof List<?> y && isList(a) && isList(b)) {
                    List<Object> r = new ArrayList<>(x);
                    r.addAll(y);
                    return r;
                }
                if (a instanceof PyTuple x && b instanceof PyTuple y) {
                    List<Object> r = new ArrayList<>(x.items());
                    r.addAll(y.items());
                    return new PyTuple(r);
                }
                if (a instanceof String || isList(a) || a instanceof PyTuple) {
                    throw TemplateException.type("can only concatenate " + PyFormat.typeName(a) + " (not \""
                            + PyFormat.typeName(b) + "\") to " + PyFormat.typeName(a));
                }
            }
            case "-" -> {
                if (nums) return floats ? (Object) (asDouble(a) - asDouble(b)) : (Object) Math.subtractExact(asLong(a), asLong(b));
            }
            case "*" -> {
                if (nums) return floats ? (Object) (asDouble(a) * asDouble(b)) : (Object) Math.multiplyExact(asLong(a), asLong(b));
                boolean intB = b instanceof Long || b instanceof Boolean, intA = a instanceof Long || a instanceof Boolean;
                if (repeatable(a) && intB) return repeat(a, asLong(b));
                if (repeatable(b) && intA) return repeat(b, asLong(a));
            }
            case "/" -> {
                if (nums) {
                    if (asDouble(b) == 0) throw TemplateException.type("division by zero");
                    return asDouble(a) / asDouble(b);
                }
            }
            case "//" -> {
                if (nums) {
                    if (asDouble(b) == 0) throw TemplateException.type("integer division or modulo by zero");
                    if (floats) return floorDiv(asDouble(a), asDouble(b));
                    return Math.floorDiv(asLong(a), asLong(b));
                }
            }
            case "%" -> {
                if (nums) {
                    if (asDouble(b) == 0) throw TemplateException.type("integer division or modulo by zero");
                    if (floats) {
                        double x = asDouble(a), y = asDouble(b);
                        double r = x % y;
                        if (r == 0) return Math.copySign(0.0, y); // Python: a zero remainder takes the divisor's sign
                        return (r < 0) != (y < 0) ? r + y : r;
                    }
                    return Math.floorMod(asLong(a), asLong(b));
                }
                if (a instanceof String fmt) return PercentFormat.format(fmt, b);
            }
            case "**" -> {
                if (nums) {
                    if (!floats && asLong(b) >= 0) {
                        long base = asLong(a), e = asLong(b), r = 1;
                        for (long i = 0; i < e; i++) r = Math.multiplyExact(r, base);
                        return r;
                    }
                    return Math.pow(asDouble(a), asDouble(b));
                }
            }
            default -> throw new IllegalStateException(op);
        }
        throw TemplateException.type("unsupported operand type(s) for " + op + ": '" + PyFormat.typeName(a)
                + "' and '" + PyFormat.typeName(b) + "'");
    }

    /** CPython's float floor division: derived from fmod, so 7 // 1e-5 is 699999.0, not floor(7 / 1e-5). */
    private static double floorDiv(double x, double y) {
        double mod = x % y;
        double div = (x - mod) / y;
        if (mod != 0 && (y < 0) != (mod < 0)) div -= 1.0;
        if (div == 0) return Math.copySign(0.0, x / y);
        double floor = Math.floor(div);
        return div - floor > 0.5 ? floor + 1.0 : floor;
    }

    private static boolean repeatable(Object v) {
        return v instanceof String || v instanceof PyTuple || isList(v);
    }

    /** A real Python list, not one of the list-backed range or dict view objects. */
    static boolean isList(Object v) {
        return v instanceof List && !(v instanceof PyRange) && !(v instanceof PyDictView);
    }

    private static Object repeat(Object seq, long n) {
        if (seq instanceof String s) return n <= 0 ? "" : s.repeat((int) n);
        List<?> items = seq instanceof PyTuple t ? t.items() : (List<?>) seq;
        List<Object> r = new ArrayList<>();
        for (long i = 0; i < n; i++) r.addAll(items);
        return seq instanceof PyTuple ? new PyTuple(r) : r;
    }

    static Object negate(Object v) {
        if (v instanceof Undefined u) throw u.fail();
        if (v instanceof Double d) return -d;
        if (v instanceof Long || v instanceof Boolean) return -asLong(v);
        throw TemplateException.type("bad operand type for unary -: '" + PyFormat.typeName(v) + "'");
    }

    // ---- attribute and item access ----

    /** {@code obj.name}: attribute first (methods, loop/namespace fields), then item. */
    static Object getAttr(Object obj, String name) {
        if (obj instanceof Undefined u) throw u.fail();
        if (obj instanceof LoopContext loop) return loop.attr(name);
        if (obj instanceof Namespace ns) {
            return ns.attrs.containsKey(name) ? ns.attrs.get(name) : Undefined.attribute(obj, name);
        }
        PyCallable method = Methods.bind(obj, name);
        if (method != null) return method;
        if (obj instanceof Map<?, ?> m) {
            Object k = findKey(m, name);
            if (k != NO_KEY) return m.get(k);
        }
        return Undefined.attribute(obj, name);
    }

    /** {@code obj[key]}: item first, then (for string keys) attribute. */
    static Object getItem(Object obj, Object key) {
        if (obj instanceof Undefined u) throw u.fail();
        if (key instanceof SliceValue s) return slice(obj, s);
        switch (obj) {
            case Map<?, ?> m -> {
                Object k = findKey(m, key);
                if (k != NO_KEY) return m.get(k);
            }
            case PyDictView v -> { } // not subscriptable: jinja2 turns the TypeError into undefined
            case List<?> l -> {
                if (key instanceof Long || key instanceof Boolean) {
                    long i = asLong(key);
                    if (i < 0) i += l.size();
                    if (i >= 0 && i < l.size()) return l.get((int) i);
                    return new Undefined(PyFormat.objectDescription(obj) + " has no element " + PyFormat.repr(key));
                }
            }
            case PyTuple t -> {
                if (key instanceof Long || key instanceof Boolean) {
                    long i = asLong(key);
                    if (i < 0) i += t.items().size();
                    if (i >= 0 && i < t.items().size()) return t.items().get((int) i);
                    return new Undefined(PyFormat.objectDescription(obj) + " has no element " + PyFormat.repr(key));
                }
            }
            case String s -> {
                if (key instanceof Long || key instanceof Boolean) {
                    int[] cps = PyStrings.codePoints(s);
                    long i = asLong(key);
                    if (i < 0) i += cps.length;
                    if (i >= 0 && i < cps.length) return Character.toString(cps[(int) i]);
                    return new Undefined(PyFormat.objectDescription(obj) + " has no element " + PyFormat.repr(key));
                }
            }
            case null, default -> { }
        }
        if (key instanceof String name) {
            if (obj instanceof Map<?, ?>) {
                PyCallable method = Methods.bind(obj, name);
                return method != null ? method : Undefined.attribute(obj, name);
            }
            return getAttr(obj, name);
        }
        return new Undefined(PyFormat.objectDescription(obj) + " has no element " + PyFormat.repr(key));
    }

    private static Object slice(Object obj, SliceValue s) {
        List<?> items;
        int[] cps = null;
        if (obj instanceof String str) {
            cps = PyStrings.codePoints(str);
            items = null;
        } else if (obj instanceof List<?> l && !(obj instanceof PyDictView)) {
            items = l;
        } else if (obj instanceof PyTuple t) {
            items = t.items();
        } else if (obj instanceof Map) {
            throw TemplateException.type("unhashable type: 'slice'");
        } else {
            // unlike x[i], jinja2 compiles x[a:b] to a plain Python subscript, so this is a TypeError
            throw TemplateException.type("'" + PyFormat.typeName(obj) + "' object is not subscriptable");
        }
        int n = cps != null ? cps.length : items.size();
        long step = s.step() == null ? 1 : asLong(s.step());
        if (step == 0) throw TemplateException.type("slice step cannot be zero");
        long start, stop;
        if (step > 0) {
            start = s.start() == null ? 0 : clampIndex(asLong(s.start()), n, 0, n);
            stop = s.stop() == null ? n : clampIndex(asLong(s.stop()), n, 0, n);
        } else {
            start = s.start() == null ? n - 1 : clampIndex(asLong(s.start()), n, -1, n - 1);
            stop = s.stop() == null ? -1 : clampIndex(asLong(s.stop()), n, -1, n - 1);
        }
        List<Object> out = new ArrayList<>();
        StringBuilder sb = new StringBuilder();
        for (long i = start; step > 0 ? i < stop : i > stop; i += step) {
            if (cps != null) sb.appendCodePoint(cps[(int) i]); else out.add(items.get((int) i));
        }
        if (cps != null) return sb.toString();
        return obj instanceof PyTuple ? new PyTuple(out) : out;
    }

    /** Python's slice index adjustment: negatives count from the end, then clamp to [lo, hi]. */
    private static long clampIndex(long i, int n, long lo, long hi) {
        if (i < 0) i += n;
        return Math.max(lo, Math.min(hi, i));
    }
}
