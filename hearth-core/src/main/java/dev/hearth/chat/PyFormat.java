package dev.hearth.chat;

import java.math.BigDecimal;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * How Python prints values: {@code str()} (what {@code {{ x }}} shows) and {@code repr()} (how
 * values appear inside printed lists and dicts: {@code [1, 'a', None, True]}, {@code {'k': 1.0}}).
 */
final class PyFormat {

    private PyFormat() { }

    /** Python's str(x); Undefined prints as the empty string. */
    static String str(Object v) {
        if (v instanceof String s) return s;
        if (v instanceof Undefined) return "";
        return repr(v);
    }

    static String repr(Object v) {
        return switch (v) {
            case null -> "None";
            case String s -> reprString(s);
            case Boolean b -> b ? "True" : "False";
            case Double d -> reprFloat(d);
            case Float f -> reprFloat(f.doubleValue());
            case Number n -> n.toString();
            case Undefined u -> "Undefined"; // str() is "", but inside a printed list it shows
            case PyRange r -> r.toString();
            case PyDictView view -> {
                StringBuilder sb = new StringBuilder(view.kind.pythonName).append("([");
                appendItems(sb, view);
                yield sb.append("])").toString();
            }
            case PyTuple t -> {
                StringBuilder sb = new StringBuilder("(");
                appendItems(sb, t.items());
                if (t.items().size() == 1) sb.append(',');
                yield sb.append(')').toString();
            }
            case List<?> l -> {
                StringBuilder sb = new StringBuilder("[");
                appendItems(sb, l);
                yield sb.append(']').toString();
            }
            case Map<?, ?> m -> {
                StringBuilder sb = new StringBuilder("{");
                boolean first = true;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (!first) sb.append(", ");
                    first = false;
                    sb.append(repr(e.getKey())).append(": ").append(repr(e.getValue()));
                }
                yield sb.append('}').toString();
            }
            case Iterator<?> it -> "<generator object at 0x0>";
            case Macro m -> "<Macro '" + m.name() + "'>";
            case PyCallable c -> "<built-in function>";
            default -> v.toString();
        };
    }

    private static void appendItems(StringBuilder sb, List<?> items) {
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) sb.append(", ");
            sb.append(repr(items.get(i)));
        }
    }

    /** repr(float): shortest round-trip digits; scientific below 1e-4 and from 1e16 on. */
    static String reprFloat(double d) {
        if (Double.isNaN(d)) return "nan";
        if (Double.isInfinite(d)) return d > 0 ? "inf" : "-inf";
        String sign = (d < 0 || (d == 0 && 1 / d < 0)) ? "-" : "";
        // Since JDK 19, Double.toString yields the shortest decimal that round-trips, as Python does.
        BigDecimal bd = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
        if (bd.precision() == 2) {
            // Java always prints two significant digits ("4.9E-324"); Python prefers one when it round-trips.
            BigDecimal one = bd.round(new java.math.MathContext(1, java.math.RoundingMode.HALF_EVEN));
            if (Double.parseDouble(one.toString()) == Math.abs(d)) bd = one.stripTrailingZeros();
        }
        String digits = bd.unscaledValue().toString();
        int exp = digits.length() - 1 - bd.scale();
        if (bd.signum() == 0) return sign + "0.0";
        if (exp >= -4 && exp < 16) {
            String plain = bd.toPlainString();
            return sign + (plain.contains(".") ? plain : plain + ".0");
        }
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        int a = Math.abs(exp);
        return sign + mantissa + "e" + (exp < 0 ? "-" : "+") + (a < 10 ? "0" : "") + a;
    }

    /** repr(str): single quotes unless the text has ' and no ", escapes for non-printables. */
    static String reprString(String s) {
        char quote = (s.indexOf('\'') >= 0 && s.indexOf('"') < 0) ? '"' : '\'';
        StringBuilder sb = new StringBuilder(s.length() + 2).append(quote);
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            if (c == quote || c == '\\') sb.append('\\').appendCodePoint(c);
            else if (c == '\n') sb.append("\\n");
            else if (c == '\r') sb.append("\\r");
            else if (c == '\t') sb.append("\\t");
            else if (isPrintable(c)) sb.appendCodePoint(c);
            else if (c < 0x100) sb.append(String.format("\\x%02x", c));
            else if (c < 0x10000) sb.append(String.format("\\u%04x", c));
            else sb.append(String.format("\\U%08x", c));
        }
        return sb.append(quote).toString();
    }

    /** Python's str.isprintable() for one code point: not Other (C*) and not Separator (Z*) but ' '. */
    private static boolean isPrintable(int c) {
        if (c == ' ') return true;
        return switch (Character.getType(c)) {
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE,
                 Character.UNASSIGNED, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                 Character.SPACE_SEPARATOR -> false;
            default -> true;
        };
    }

    /** Python's type(x).__name__, for error messages. */
    static String typeName(Object v) {
        return switch (v) {
            case null -> "NoneType";
            case String s -> "str";
            case Boolean b -> "bool";
            case Double d -> "float";
            case Number n -> "int";
            case PyTuple t -> "tuple";
            case PyRange r -> "range";
            case PyDictView view -> view.kind.pythonName;
            case List<?> l -> "list";
            case Map<?, ?> m -> "dict";
            case Undefined u -> "Undefined";
            case Iterator<?> it -> "generator";
            case Namespace n -> "Namespace";
            case LoopContext l -> "LoopContext";
            case Macro m -> "Macro";
            default -> "function";
        };
    }

    /** jinja2's object_type_repr, used in undefined hints: "'dict object'", "None". */
    static String objectDescription(Object v) {
        if (v == null) return "None";
        return switch (v) {
            case Namespace n -> "'jinja2.utils.Namespace object'";
            case LoopContext l -> "'jinja2.runtime.LoopContext object'";
            default -> "'" + typeName(v) + " object'";
        };
    }
}
