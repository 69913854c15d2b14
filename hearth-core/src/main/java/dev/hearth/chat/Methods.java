package dev.hearth.chat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Python methods templates call on values: {@code str.strip/split/startswith/format/...},
 * {@code dict.items/keys/values/get}, {@code list.index/count}. Methods that mutate a list or dict
 * exist but raise, because HF renders in jinja2's ImmutableSandboxedEnvironment, which forbids them.
 */
final class Methods {

    private Methods() { }

    private static final Set<String> STR = Set.of(
            "strip", "lstrip", "rstrip", "split", "rsplit", "splitlines", "startswith", "endswith", "upper",
            "lower", "title", "capitalize", "swapcase", "casefold", "replace", "format", "join", "find", "rfind",
            "index", "rindex", "count", "isdigit", "isalpha", "isalnum", "isspace", "isupper", "islower",
            "isnumeric", "isdecimal", "istitle", "zfill", "ljust", "rjust", "center", "partition", "rpartition",
            "removeprefix", "removesuffix");
    private static final Set<String> DICT = Set.of("keys", "values", "items", "get", "copy");
    private static final Set<String> DICT_MUTATORS = Set.of("pop", "popitem", "setdefault", "update", "clear");
    private static final Set<String> LIST = Set.of("index", "count", "copy");
    private static final Set<String> LIST_MUTATORS = Set.of(
            "append", "extend", "insert", "pop", "remove", "reverse", "sort", "clear");

    /** The bound method {@code obj.name}, or null when obj has no such method. */
    static PyCallable bind(Object obj, String name) {
        if (obj instanceof String s && STR.contains(name)) return (args, kw) -> callStr(s, name, new Args(args, kw));
        if (obj instanceof Map<?, ?> m) {
            if (DICT.contains(name)) return (args, kw) -> callDict(m, name, new Args(args, kw));
            if (DICT_MUTATORS.contains(name)) return unsafe(obj, name);
        }
        if (obj instanceof List<?> l && !(obj instanceof PyDictView)) {
            if (LIST.contains(name)) return (args, kw) -> callList(l, name, new Args(args, kw));
            if (LIST_MUTATORS.contains(name)) return unsafe(obj, name);
        }
        if (obj instanceof PyTuple t && (name.equals("index") || name.equals("count"))) {
            return (args, kw) -> callList(t.items(), name, new Args(args, kw));
        }
        return null;
    }

    private static PyCallable unsafe(Object obj, String name) {
        return (args, kw) -> {
            throw new TemplateException(TemplateException.Kind.SECURITY,
                    "access to attribute '" + name + "' of '" + PyFormat.typeName(obj) + "' object is unsafe.");
        };
    }

    private static String str(Object v, String method) {
        if (v instanceof String s) return s;
        throw TemplateException.type(method + " arg must be None or str");
    }

    private static Object callStr(String s, String name, Args a) {
        return switch (name) {
            case "strip" -> PyStrings.strip(s, optChars(a, name));
            case "lstrip" -> PyStrings.lstrip(s, optChars(a, name));
            case "rstrip" -> PyStrings.rstrip(s, optChars(a, name));
            case "split" -> PyStrings.split(s, optChars(a, "sep"), a.integer(1, "maxsplit", -1));
            case "rsplit" -> PyStrings.rsplit(s, optChars(a, "sep"), a.integer(1, "maxsplit", -1));
            case "splitlines" -> PyStrings.splitlines(s, a.bool(0, "keepends", false));
            case "startswith", "endswith" -> affix(s, name, a);
            case "upper" -> PyStrings.upper(s);
            case "lower", "casefold" -> PyStrings.lower(s);
            case "title" -> PyStrings.title(s);
            case "capitalize" -> PyStrings.capitalize(s);
            case "swapcase" -> swapcase(s);
            case "replace" -> PyStrings.replace(s, str(a.require(0, "old", name), name),
                    str(a.require(1, "new", name), name), a.integer(2, "count", -1));
            case "format" -> StrFormat.format(s, a);
            case "join" -> {
                StringBuilder sb = new StringBuilder();
                boolean first = true;
                for (Object item : PyOps.iterate(a.require(0, "iterable", name))) {
                    if (!(item instanceof String part)) {
                        throw TemplateException.type("sequence item: expected str instance, " + PyFormat.typeName(item) + " found");
                    }
                    if (!first) sb.append(s);
                    sb.append(part);
                    first = false;
                }
                yield sb.toString();
            }
            case "find", "index", "rfind", "rindex" -> {
                String sub = str(a.require(0, "sub", name), name);
                int[] cps = PyStrings.codePoints(s);
                long start = a.integer(1, "start", 0), end = a.integer(2, "end", cps.length);
                String window = window(cps, start, end);
                int off = name.startsWith("r") ? window.lastIndexOf(sub) : window.indexOf(sub);
                if (off < 0 && name.endsWith("index")) throw TemplateException.type("substring not found");
                if (off < 0) yield -1L;
                yield (long) (window.codePointCount(0, off) + (int) normStart(start, cps.length));
            }
            case "count" -> {
                String sub = str(a.require(0, "sub", name), name);
                if (sub.isEmpty()) yield (long) PyStrings.length(s) + 1;
                long n = 0;
                for (int k = s.indexOf(sub); k >= 0; k = s.indexOf(sub, k + sub.length())) n++;
                yield n;
            }
            case "isdigit", "isnumeric", "isdecimal" -> !s.isEmpty() && s.codePoints().allMatch(Character::isDigit);
            case "isalpha" -> !s.isEmpty() && s.codePoints().allMatch(Character::isLetter);
            case "isalnum" -> !s.isEmpty() && s.codePoints().allMatch(Character::isLetterOrDigit);
            case "isspace" -> !s.isEmpty() && s.codePoints().allMatch(PyStrings::isSpace);
            case "isupper" -> s.codePoints().anyMatch(Character::isUpperCase) && !s.codePoints().anyMatch(Character::isLowerCase);
            case "islower" -> s.codePoints().anyMatch(Character::isLowerCase) && !s.codePoints().anyMatch(Character::isUpperCase);
            case "istitle" -> !s.isEmpty() && PyStrings.title(s).equals(s) && s.codePoints().anyMatch(Character::isLetter);
            case "zfill" -> {
                int width = (int) a.integer(0, "width", 0), len = PyStrings.length(s);
                if (len >= width) yield s;
                boolean signed = s.startsWith("+") || s.startsWith("-");
                String pad = "0".repeat(width - len);
                yield signed ? s.charAt(0) + pad + s.substring(1) : pad + s;
            }
            case "ljust", "rjust", "center" -> {
                int width = (int) a.integer(0, "width", 0), len = PyStrings.length(s);
                String fill = a.string(1, "fillchar", " ");
                if (len >= width) yield s;
                int total = width - len;
                int left = switch (name) {
                    case "ljust" -> 0;
                    case "rjust" -> total;
                    default -> total / 2 + (total & width & 1); // CPython's centering rule
                };
                yield fill.repeat(left) + s + fill.repeat(total - left);
            }
            case "partition", "rpartition" -> {
                String sep = str(a.require(0, "sep", name), name);
                int k = name.equals("partition") ? s.indexOf(sep) : s.lastIndexOf(sep);
                if (k < 0) yield name.equals("partition") ? PyTuple.of(s, "", "") : PyTuple.of("", "", s);
                yield PyTuple.of(s.substring(0, k), sep, s.substring(k + sep.length()));
            }
            case "removeprefix" -> {
                String p = str(a.require(0, "prefix", name), name);
                yield s.startsWith(p) ? s.substring(p.length()) : s;
            }
            case "removesuffix" -> {
                String p = str(a.require(0, "suffix", name), name);
                yield !p.isEmpty() && s.endsWith(p) ? s.substring(0, s.length() - p.length()) : s;
            }
            default -> throw new IllegalStateException(name);
        };
    }

    private static String optChars(Args a, String name) {
        Object v = a.get(0, name.equals("sep") ? "sep" : "chars", null);
        if (v == null) return null;
        return str(v, name);
    }

    private static long normStart(long start, int n) {
        if (start < 0) start = Math.max(0, start + n);
        return Math.min(start, n);
    }

    private static String window(int[] cps, long start, long end) {
        int n = cps.length;
        long s = normStart(start, n);
        long e = end < 0 ? Math.max(0, end + n) : Math.min(end, n);
        if (e <= s) return "";
        return PyStrings.fromCodePoints(cps, (int) s, (int) e);
    }

    private static boolean affix(String s, String name, Args a) {
        Object what = a.require(0, "prefix", name);
        int[] cps = PyStrings.codePoints(s);
        long start = a.integer(1, "start", 0), end = a.integer(2, "end", cps.length);
        String w = (a.has(1, "start") || a.has(2, "end")) ? window(cps, start, end) : s;
        List<?> options = what instanceof PyTuple t ? t.items() : List.of(what);
        for (Object o : options) {
            if (!(o instanceof String p)) {
                throw TemplateException.type(name + " first arg must be str or a tuple of str, not " + PyFormat.typeName(o));
            }
            if (name.equals("startswith") ? w.startsWith(p) : w.endsWith(p)) return true;
        }
        return false;
    }

    private static String swapcase(String s) {
        StringBuilder sb = new StringBuilder();
        s.codePoints().forEach(c -> sb.appendCodePoint(
                Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.isLowerCase(c) ? Character.toUpperCase(c) : c));
        return sb.toString();
    }

    private static Object callDict(Map<?, ?> m, String name, Args a) {
        return switch (name) {
            case "keys" -> new PyDictView(PyDictView.Kind.KEYS, new ArrayList<Object>(m.keySet()));
            case "values" -> new PyDictView(PyDictView.Kind.VALUES, new ArrayList<Object>(m.values()));
            case "items" -> {
                List<Object> items = new ArrayList<>();
                for (Map.Entry<?, ?> e : m.entrySet()) items.add(PyTuple.of(e.getKey(), e.getValue()));
                yield new PyDictView(PyDictView.Kind.ITEMS, items);
            }
            case "get" -> {
                Object key = a.require(0, "key", name);
                yield PyOps.hasKey(m, key) ? PyOps.getItem(m, key) : a.get(1, "default", null);
            }
            case "copy" -> new java.util.LinkedHashMap<Object, Object>(m);
            default -> throw new IllegalStateException(name);
        };
    }

    private static Object callList(List<?> l, String name, Args a) {
        return switch (name) {
            case "index" -> {
                Object x = a.require(0, "value", name);
                for (int i = 0; i < l.size(); i++) if (PyOps.eq(l.get(i), x)) yield (long) i;
                throw TemplateException.type(PyFormat.repr(x) + " is not in list");
            }
            case "count" -> {
                Object x = a.require(0, "value", name);
                yield l.stream().filter(v -> PyOps.eq(v, x)).count();
            }
            case "copy" -> new ArrayList<Object>(l);
            default -> throw new IllegalStateException(name);
        };
    }
}
