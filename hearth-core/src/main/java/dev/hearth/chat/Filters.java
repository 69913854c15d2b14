package dev.hearth.chat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * jinja2's built-in filters ({@code value | name(args)}), plus {@code tojson} as Hugging Face
 * overrides it. Where jinja2 returns a generator (map, select, reject, selectattr, rejectattr,
 * unique, items, reverse) we return a {@link PyIterator} so that truthiness, length and tojson
 * behave as they do in Python.
 */
final class Filters {

    private Filters() { }

    private static final Set<String> NAMES = Set.of(
            "abs", "attr", "batch", "capitalize", "center", "count", "d", "default", "dictsort", "e", "escape",
            "first", "float", "forceescape", "format", "indent", "int", "items", "join", "last", "length", "list",
            "lower", "map", "max", "min", "reject", "rejectattr", "replace", "reverse", "round", "safe", "select",
            "selectattr", "sort", "string", "sum", "title", "tojson", "trim", "unique", "upper", "wordcount", "pprint",
            "truncate", "striptags");

    static boolean exists(String name) { return NAMES.contains(name); }

    /** Filters that start with jinja2's {@code if value:}, so none and empty inputs give nothing. */
    private static final Set<String> SKIP_FALSY = Set.of("map", "select", "reject", "selectattr", "rejectattr");

    static Object apply(String name, Object v, Args a) {
        if (SKIP_FALSY.contains(name) && !PyOps.truthy(v) && !(v instanceof Undefined)) {
            return new PyIterator(java.util.Collections.emptyIterator()); // jinja2 checks "if seq:" first
        }
        return switch (name) {
            case "length", "count" -> PyOps.len(v);
            case "string" -> PyFormat.str(v);
            case "safe" -> v;
            case "e", "escape", "forceescape" -> escape(PyFormat.str(v));
            case "upper" -> PyStrings.upper(PyFormat.str(v));
            case "lower" -> PyStrings.lower(PyFormat.str(v));
            case "capitalize" -> PyStrings.capitalize(PyFormat.str(v));
            case "title" -> title(PyFormat.str(v));
            case "trim" -> PyStrings.strip(PyFormat.str(v), a.string(0, "chars", null));
            case "replace" -> {
                String s = PyFormat.str(v);
                Object count = a.get(2, "count", null);
                yield PyStrings.replace(s, PyFormat.str(a.require(0, "old", name)), PyFormat.str(a.require(1, "new", name)),
                        count == null ? -1 : a.integer(2, "count", -1));
            }
            case "default", "d" -> {
                Object fallback = a.get(0, "default_value", "");
                yield (v instanceof Undefined || (a.bool(1, "boolean", false) && !PyOps.truthy(v))) ? fallback : v;
            }
            case "first" -> {
                if (v instanceof Undefined) yield new Undefined("No first item, sequence was empty.");
                Iterator<Object> it = v instanceof Iterator<?> g ? new PyIterator(cast(g)) : PyOps.iterate(v).iterator();
                yield it.hasNext() ? it.next() : new Undefined("No first item, sequence was empty.");
            }
            case "last" -> {
                if (v instanceof Iterator<?>) throw TemplateException.type("'generator' object is not reversible");
                List<Object> items = PyOps.iterate(v);
                yield items.isEmpty() ? new Undefined("No last item, sequence was empty.") : items.getLast();
            }
            case "join" -> {
                String sep = a.string(0, "d", "");
                Object attribute = a.get(1, "attribute", null);
                StringBuilder sb = new StringBuilder();
                boolean first = true;
                for (Object item : PyOps.iterate(v)) {
                    if (!first) sb.append(sep);
                    first = false;
                    sb.append(PyFormat.str(attribute == null ? item : attributeOf(item, attribute)));
                }
                yield sb.toString();
            }
            case "list" -> PyOps.iterate(v);
            case "int" -> toInt(v, a);
            case "float" -> toFloat(v, a);
            case "abs" -> {
                if (v instanceof Double d) yield Math.abs(d);
                if (v instanceof Long l) yield Math.abs(l);
                if (v instanceof Boolean b) yield b ? 1L : 0L;
                throw TemplateException.type("bad operand type for abs(): '" + PyFormat.typeName(v) + "'");
            }
            case "round" -> round(v, a);
            case "tojson" -> tojson(v, a);
            case "items" -> {
                if (v instanceof Undefined) yield new PyIterator(List.of().iterator());
                if (!(v instanceof Map<?, ?> m)) throw TemplateException.type("Can only get item pairs from a mapping.");
                List<Object> pairs = new ArrayList<>();
                for (Map.Entry<?, ?> e : m.entrySet()) pairs.add(PyTuple.of(e.getKey(), e.getValue()));
                yield new PyIterator(pairs.iterator());
            }
            case "dictsort" -> dictsort(v, a);
            case "map" -> map(v, a);
            case "select", "reject" -> {
                boolean keep = name.equals("select");
                List<Object> out = new ArrayList<>();
                for (Object item : PyOps.iterate(v)) if (testItem(item, a, 0) == keep) out.add(item);
                yield new PyIterator(out.iterator());
            }
            case "selectattr", "rejectattr" -> {
                boolean keep = name.equals("selectattr");
                Object attribute = a.require(0, "attribute", name);
                List<Object> out = new ArrayList<>();
                for (Object item : PyOps.iterate(v)) {
                    if (testItem(attributeOf(item, attribute), a, 1) == keep) out.add(item);
                }
                yield new PyIterator(out.iterator());
            }
            case "unique" -> {
                boolean caseSensitive = a.bool(0, "case_sensitive", false);
                Object attribute = a.get(1, "attribute", null);
                List<Object> out = new ArrayList<>();
                List<Object> seen = new ArrayList<>();
                for (Object item : PyOps.iterate(v)) {
                    Object key = sortKey(attribute == null ? item : attributeOf(item, attribute), caseSensitive);
                    if (key instanceof Map || key instanceof List) {
                        throw TemplateException.type("unhashable type: '" + PyFormat.typeName(key) + "'");
                    }
                    if (seen.stream().noneMatch(s -> PyOps.eq(s, key))) {
                        seen.add(key);
                        out.add(item);
                    }
                }
                yield new PyIterator(out.iterator());
            }
            case "sort" -> {
                List<Object> items = PyOps.iterate(v);
                boolean reverse = a.bool(0, "reverse", false), caseSensitive = a.bool(1, "case_sensitive", false);
                Object attribute = a.get(2, "attribute", null);
                // jinja2 sorts by a list of keys ("a,b" sorts by a then b); lists compare with == before <,
                // so equal keys never reach <, which would fail on undefined values
                List<String> parts = attribute instanceof String s ? List.of(s.split(",")) : null;
                Comparator<Object> cmp = (x, y) -> {
                    int n = parts == null ? 1 : parts.size();
                    for (int i = 0; i < n; i++) {
                        Object kx = sortKey(parts == null ? (attribute == null ? x : attributeOf(x, attribute)) : attributeOf(x, parts.get(i)), caseSensitive);
                        Object ky = sortKey(parts == null ? (attribute == null ? y : attributeOf(y, attribute)) : attributeOf(y, parts.get(i)), caseSensitive);
                        if (!PyOps.eq(kx, ky)) return PyOps.compare(kx, ky, "<");
                    }
                    return 0;
                };
                items.sort(reverse ? cmp.reversed() : cmp);
                yield items;
            }
            case "reverse" -> {
                if (v instanceof String s) yield new StringBuilder(s).reverse().toString();
                List<Object> items = PyOps.iterate(v);
                java.util.Collections.reverse(items);
                yield new PyIterator(items.iterator());
            }
            case "min", "max" -> {
                boolean caseSensitive = a.bool(0, "case_sensitive", false);
                Object attribute = a.get(1, "attribute", null);
                Object best = null;
                boolean any = false;
                for (Object item : PyOps.iterate(v)) {
                    Object key = sortKey(attribute == null ? item : attributeOf(item, attribute), caseSensitive);
                    if (!any) { best = item; any = true; continue; }
                    Object bestKey = sortKey(attribute == null ? best : attributeOf(best, attribute), caseSensitive);
                    int c = PyOps.compare(key, bestKey, "<");
                    if (name.equals("min") ? c < 0 : c > 0) best = item;
                }
                yield any ? best : new Undefined("No aggregated item, sequence was empty.");
            }
            case "sum" -> {
                Object attribute = a.get(0, "attribute", null);
                Object total = a.get(1, "start", 0L);
                for (Object item : PyOps.iterate(v)) {
                    total = PyOps.binary("+", total, attribute == null ? item : attributeOf(item, attribute));
                }
                yield total;
            }
            case "batch" -> {
                long size = a.integer(0, "linecount", 1);
                Object fill = a.get(1, "fill_with", null);
                boolean hasFill = a.has(1, "fill_with");
                List<Object> out = new ArrayList<>();
                List<Object> cur = new ArrayList<>();
                for (Object item : PyOps.iterate(v)) {
                    cur.add(item);
                    if (cur.size() == size) { out.add(cur); cur = new ArrayList<>(); }
                }
                if (!cur.isEmpty()) {
                    if (hasFill && fill != null) while (cur.size() < size) cur.add(fill);
                    out.add(cur);
                }
                yield new PyIterator(out.iterator());
            }
            case "wordcount" -> wordcount(PyFormat.str(v));
            case "center" -> {
                String s = PyFormat.str(v);
                int width = (int) a.integer(0, "width", 80), len = PyStrings.length(s);
                if (len >= width) yield s;
                int total = width - len, left = total / 2 + (total & width & 1);
                yield " ".repeat(left) + s + " ".repeat(total - left);
            }
            case "indent" -> {
                // jinja2 does `s += "\n"` first, so only strings can be indented
                if (!(v instanceof String s)) {
                    if (v instanceof Undefined u) throw u.fail();
                    throw TemplateException.type("unsupported operand type(s) for +=: '" + PyFormat.typeName(v) + "' and 'str'");
                }
                yield indent(s, a);
            }
            case "format" -> PercentFormat.format(PyFormat.str(v), new PyTuple(a.positional()));
            case "attr" -> {
                // Python getattr only: unlike x.name, a dict's keys are not attributes here
                String attr = PyFormat.str(a.require(0, "name", name));
                if (v instanceof Map<?, ?>) {
                    PyCallable method = Methods.bind(v, attr);
                    yield method != null ? method : Undefined.attribute(v, attr);
                }
                yield PyOps.getAttr(v, attr);
            }
            case "pprint" -> PyFormat.repr(v);
            case "striptags" -> PyStrings.strip(PyFormat.str(v).replaceAll("<[^>]*>", "").replaceAll("\\s+", " "), null);
            case "truncate" -> truncate(PyFormat.str(v), a);
            default -> throw TemplateException.type("No filter named '" + name + "' found.");
        };
    }

    /** jinja2 counts matches of the regex \w+ (letters, digits, underscore), not whitespace-split words. */
    private static long wordcount(String s) {
        long words = 0;
        boolean inWord = false;
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            boolean w = Character.isLetterOrDigit(c) || c == '_';
            if (w && !inWord) words++;
            inWord = w;
        }
        return words;
    }

    @SuppressWarnings("unchecked")
    private static Iterator<Object> cast(Iterator<?> it) { return (Iterator<Object>) it; }

    /** markupsafe.escape: jinja2's escape filter escapes even when autoescaping is off. */
    static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&#34;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    /** jinja2's title filter: capitalize each word, words start after whitespace, '-', or brackets. */
    private static String title(String s) {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        while (i < s.length()) {
            int j = i;
            while (j < s.length() && isWordStartDelimiter(s.charAt(j))) j++;
            sb.append(s, i, j);
            int k = j;
            while (k < s.length() && !isWordStartDelimiter(s.charAt(k))) k++;
            if (k > j) sb.append(PyStrings.upper(s.substring(j, j + Character.charCount(s.codePointAt(j)))))
                    .append(PyStrings.lower(s.substring(j + Character.charCount(s.codePointAt(j)), k)));
            i = k;
        }
        return sb.toString();
    }

    private static boolean isWordStartDelimiter(char c) {
        return c == '-' || c == '(' || c == '{' || c == '[' || c == '<' || PyStrings.isSpace(c);
    }

    /** jinja2 3.x indent(width=4, first=False, blank=False); width may be a string. */
    private static String indent(String s, Args a) {
        Object w = a.get(0, "width", 4L);
        String pad = w instanceof String ws ? ws : " ".repeat((int) a.integer(0, "width", 4));
        boolean first = a.bool(1, "first", false), blank = a.bool(2, "blank", false);
        List<Object> lines = PyStrings.splitlines(s + "\n", false);
        StringBuilder rv = new StringBuilder();
        if (blank) {
            for (int i = 0; i < lines.size(); i++) {
                if (i > 0) rv.append('\n').append(pad);
                rv.append(lines.get(i));
            }
        } else {
            rv.append(lines.getFirst());
            for (int i = 1; i < lines.size(); i++) {
                String line = (String) lines.get(i);
                rv.append('\n');
                if (!line.isEmpty()) rv.append(pad);
                rv.append(line);
            }
        }
        return first ? pad + rv : rv.toString();
    }

    private static String truncate(String s, Args a) {
        int length = (int) a.integer(0, "length", 255);
        boolean killwords = a.bool(1, "killwords", false);
        String end = a.string(2, "end", "...");
        int leeway = (int) a.integer(3, "leeway", 5);
        if (PyStrings.length(s) <= length + leeway) return s;
        int[] cps = PyStrings.codePoints(s);
        String head = PyStrings.fromCodePoints(cps, 0, Math.max(0, length - PyStrings.length(end)));
        if (killwords) return head + end;
        int sp = head.lastIndexOf(' ');
        return (sp >= 0 ? head.substring(0, sp) : head) + end;
    }

    /** HF's tojson: json.dumps(x, ensure_ascii=False, indent=indent, separators=..., sort_keys=False). */
    private static String tojson(Object v, Args a) {
        Object indent = a.get(1, "indent", null);
        String indentText = switch (indent) {
            case null -> null;
            case String s -> s;
            case Long n -> " ".repeat((int) Math.max(0, n));
            default -> throw TemplateException.type("indent must be an int or str");
        };
        String itemSep = null, keySep = null;
        Object seps = a.get(2, "separators", null);
        if (seps instanceof PyTuple t && t.items().size() == 2) {
            itemSep = PyFormat.str(t.items().get(0));
            keySep = PyFormat.str(t.items().get(1));
        } else if (seps instanceof List<?> l && l.size() == 2) {
            itemSep = PyFormat.str(l.get(0));
            keySep = PyFormat.str(l.get(1));
        }
        boolean ensureAscii = a.bool(0, "ensure_ascii", false);
        boolean sortKeys = a.bool(3, "sort_keys", false);
        return Json.dumps(v, indentText, itemSep, keySep, sortKeys, ensureAscii);
    }

    private static Object toInt(Object v, Args a) {
        if (v instanceof Undefined u) throw u.fail(); // int(Undefined) is an UndefinedError, not the default
        Object fallback = a.get(0, "default", 0L);
        long base = a.integer(1, "base", 10);
        return switch (v) {
            case Long l -> l;
            case Boolean b -> b ? 1L : 0L;
            case Double d -> {
                if (!Double.isFinite(d)) yield fallback;
                // Python would return a big int; we have 64 bits, and a wrong number is worse than an error
                if (Math.abs(d) >= 0x1p63) throw TemplateException.type("integer too large: " + PyFormat.repr(d));
                yield (long) d.doubleValue();
            }
            case String s -> {
                String t = PyStrings.strip(s, null).replace("_", "");
                try {
                    yield Long.parseLong(t.startsWith("+") ? t.substring(1) : t, (int) base);
                } catch (NumberFormatException e) {
                    try {
                        yield (long) Double.parseDouble(t);
                    } catch (NumberFormatException e2) {
                        yield fallback;
                    }
                }
            }
            case null, default -> fallback;
        };
    }

    private static Object toFloat(Object v, Args a) {
        if (v instanceof Undefined u) throw u.fail();
        Object fallback = a.get(0, "default", 0.0);
        return switch (v) {
            case Long l -> (double) l;
            case Double d -> d;
            case Boolean b -> b ? 1.0 : 0.0;
            case String s -> {
                try {
                    String t = PyStrings.strip(s, null).toLowerCase(java.util.Locale.ROOT);
                    if (t.equals("nan") || t.equals("inf") || t.equals("-inf") || t.equals("infinity")) {
                        yield t.equals("nan") ? Double.NaN : t.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
                    }
                    if (t.endsWith("d") || t.endsWith("f")) yield fallback; // Java would accept "1d"
                    yield Double.parseDouble(t);
                } catch (NumberFormatException e) {
                    yield fallback;
                }
            }
            case null, default -> fallback;
        };
    }

    private static Object round(Object v, Args a) {
        long precision = a.integer(0, "precision", 0);
        String method = a.string(1, "method", "common");
        if (!method.equals("common") && !method.equals("ceil") && !method.equals("floor")) {
            throw TemplateException.type("method must be common, ceil or floor");
        }
        if (v instanceof Undefined u) throw u.fail();
        if (!PyOps.isNumber(v)) throw TemplateException.type("type " + PyFormat.typeName(v) + " doesn't define __round__ method");
        if (!method.equals("common")) {
            // jinja2: math.ceil/floor(value * 10 ** precision) / 10 ** precision, in floats
            double scale = Math.pow(10, precision);
            double x = (v instanceof Double d ? d : ((Number) (v instanceof Boolean b ? (b ? 1L : 0L) : v)).doubleValue()) * scale;
            // math.ceil/floor return ints in Python, so -0.0 becomes 0 before the division
            return (double) (long) (method.equals("ceil") ? Math.ceil(x) : Math.floor(x)) / scale;
        }
        if (!(v instanceof Double d)) return v instanceof Boolean b ? (Object) (b ? 1L : 0L) : v; // round(int, n) is an int
        if (!Double.isFinite(d)) return d;
        // Python's round(): the exact binary value rounded half-to-even at the decimal position
        return new java.math.BigDecimal(d).setScale((int) precision, java.math.RoundingMode.HALF_EVEN).doubleValue();
    }

    private static Object dictsort(Object v, Args a) {
        if (!(v instanceof Map<?, ?> m)) throw TemplateException.type("You can only sort by either \"key\" or \"value\"");
        boolean caseSensitive = a.bool(0, "case_sensitive", false);
        String by = a.string(1, "by", "key");
        boolean reverse = a.bool(2, "reverse", false);
        int pos = by.equals("key") ? 0 : 1;
        List<Object> pairs = new ArrayList<>();
        for (Map.Entry<?, ?> e : m.entrySet()) pairs.add(PyTuple.of(e.getKey(), e.getValue()));
        Comparator<Object> cmp = (x, y) -> PyOps.compare(
                sortKey(((PyTuple) x).items().get(pos), caseSensitive), sortKey(((PyTuple) y).items().get(pos), caseSensitive), "<");
        pairs.sort(reverse ? cmp.reversed() : cmp);
        return pairs;
    }

    private static Object sortKey(Object v, boolean caseSensitive) {
        return !caseSensitive && v instanceof String s ? PyStrings.lower(s) : v;
    }

    /** map(attribute='x', default=...) or map('filter', args...). */
    private static Object map(Object v, Args a) {
        List<Object> items = PyOps.iterate(v);
        List<Object> out = new ArrayList<>();
        if (a.named().containsKey("attribute")) {
            Object attribute = a.named().get("attribute");
            boolean hasDefault = a.named().containsKey("default");
            for (Object item : items) {
                Object x = attributeOf(item, attribute);
                out.add(hasDefault && x instanceof Undefined ? a.named().get("default") : x);
            }
        } else {
            if (a.positional().isEmpty()) throw TemplateException.type("map requires a filter argument");
            String filter = PyFormat.str(a.positional().getFirst());
            Args rest = new Args(a.positional().subList(1, a.positional().size()), a.named());
            for (Object item : items) out.add(apply(filter, item, rest));
        }
        return new PyIterator(out.iterator());
    }

    /** select/reject: apply the test named at position testIndex (truthiness when absent). */
    private static boolean testItem(Object item, Args a, int testIndex) {
        if (a.positional().size() <= testIndex) return PyOps.truthy(item);
        String test = PyFormat.str(a.positional().get(testIndex));
        Args rest = new Args(a.positional().subList(testIndex + 1, a.positional().size()), a.named());
        return Tests.apply(test, item, rest);
    }

    /** jinja2's make_attrgetter: "a.b.0" walks attributes/items; integers index. */
    static Object attributeOf(Object item, Object attribute) {
        if (!(attribute instanceof String path)) return PyOps.getItem(item, attribute);
        Object cur = item;
        for (String part : path.split("\\.")) {
            Object key = part.chars().allMatch(Character::isDigit) && !part.isEmpty() ? (Object) Long.parseLong(part) : part;
            cur = PyOps.getItem(cur, key);
        }
        return cur;
    }
}
