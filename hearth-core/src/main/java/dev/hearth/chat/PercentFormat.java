package dev.hearth.chat;

import java.util.List;
import java.util.Locale;

/** Python's printf-style {@code "%s and %d" % (a, b)}, for the conversions templates use. */
final class PercentFormat {

    private PercentFormat() { }

    static String format(String fmt, Object argsValue) {
        List<Object> args = argsValue instanceof PyTuple t ? t.items() : List.of(argsValue == null ? NONE : argsValue);
        StringBuilder out = new StringBuilder();
        int next = 0;
        for (int i = 0; i < fmt.length(); i++) {
            char c = fmt.charAt(i);
            if (c != '%') { out.append(c); continue; }
            if (++i >= fmt.length()) throw TemplateException.type("incomplete format");
            int specStart = i;
            while (i < fmt.length() && "-+ #0123456789.".indexOf(fmt.charAt(i)) >= 0) i++;
            String flags = fmt.substring(specStart, i);
            char conv = fmt.charAt(i);
            if (conv == '%') { out.append('%'); continue; }
            if (next >= args.size()) throw TemplateException.type("not enough arguments for format string");
            Object v = args.get(next++);
            if (v == NONE) v = null;
            String body = switch (conv) {
                case 's' -> PyFormat.str(v);
                case 'r' -> PyFormat.repr(v);
                case 'd', 'i' -> String.valueOf(v instanceof Double d ? (long) d.doubleValue() : v instanceof Boolean b ? (b ? 1 : 0) : v);
                case 'f', 'F', 'e', 'g' -> String.format(Locale.ROOT, "%" + flags + conv, ((Number) v).doubleValue());
                default -> throw TemplateException.type("unsupported format character '" + conv + "'");
            };
            if ("sdir".indexOf(conv) >= 0 && !flags.isEmpty()) {
                body = String.format(Locale.ROOT, "%" + flags.replace("#", "") + "s", body);
            }
            out.append(body);
        }
        // Python skips this check for mappings and other subscriptable non-tuples (lists): "%%" % [1] is fine
        boolean subscriptable = argsValue instanceof java.util.Map || argsValue instanceof List
                || argsValue instanceof Undefined;
        if (next < args.size() && !subscriptable) throw TemplateException.type("not all arguments converted during string formatting");
        return out.toString();
    }

    private static final Object NONE = new Object();
}
