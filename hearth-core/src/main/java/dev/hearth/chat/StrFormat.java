package dev.hearth.chat;

/**
 * Python's {@code str.format}: {@code {}} (auto-numbered), {@code {0}}, {@code {name}},
 * {@code {x.attr}}/{@code {x[key]}}, conversions {@code !s}/{@code !r}, {@code {{ }}} escapes,
 * and the common format specs ({@code [[fill]align][width][.precision][type]} for s, d, f).
 */
final class StrFormat {

    private StrFormat() { }

    static String format(String fmt, Args args) {
        StringBuilder out = new StringBuilder();
        int auto = 0;
        for (int i = 0; i < fmt.length(); i++) {
            char c = fmt.charAt(i);
            if (c == '}') {
                if (i + 1 < fmt.length() && fmt.charAt(i + 1) == '}') { out.append('}'); i++; continue; }
                throw TemplateException.type("Single '}' encountered in format string");
            }
            if (c != '{') { out.append(c); continue; }
            if (i + 1 < fmt.length() && fmt.charAt(i + 1) == '{') { out.append('{'); i++; continue; }
            int close = fmt.indexOf('}', i);
            if (close < 0) throw TemplateException.type("Single '{' encountered in format string");
            String field = fmt.substring(i + 1, close);
            i = close;
            String spec = "";
            int colon = field.indexOf(':');
            if (colon >= 0) { spec = field.substring(colon + 1); field = field.substring(0, colon); }
            char conversion = 0;
            int bang = field.indexOf('!');
            if (bang >= 0) { conversion = field.charAt(bang + 1); field = field.substring(0, bang); }
            int split = 0;
            while (split < field.length() && field.charAt(split) != '.' && field.charAt(split) != '[') split++;
            String head = field.substring(0, split);
            Object value;
            if (head.isEmpty()) value = positional(args, auto++);
            else if (head.chars().allMatch(Character::isDigit)) value = positional(args, Integer.parseInt(head));
            else if (args.named().containsKey(head)) value = args.named().get(head);
            else throw TemplateException.type("KeyError: " + PyFormat.repr(head));
            value = accessors(value, field.substring(split));
            String text = conversion == 'r' ? PyFormat.repr(value) : null;
            out.append(applySpec(text != null ? text : value, spec));
        }
        return out.toString();
    }

    private static Object positional(Args args, int index) {
        if (index >= args.positional().size()) {
            throw TemplateException.type("Replacement index " + index + " out of range for positional args tuple");
        }
        return args.positional().get(index);
    }

    private static Object accessors(Object value, String rest) {
        int i = 0;
        while (i < rest.length()) {
            if (rest.charAt(i) == '.') {
                int j = i + 1;
                while (j < rest.length() && rest.charAt(j) != '.' && rest.charAt(j) != '[') j++;
                value = PyOps.getAttr(value, rest.substring(i + 1, j));
                i = j;
            } else {
                int j = rest.indexOf(']', i);
                String key = rest.substring(i + 1, j);
                value = PyOps.getItem(value, key.chars().allMatch(Character::isDigit) && !key.isEmpty() ? (Object) Long.parseLong(key) : key);
                i = j + 1;
            }
        }
        return value;
    }

    /** format(value, spec) for the spec subset templates use. */
    static String applySpec(Object value, String spec) {
        if (spec.isEmpty()) return PyFormat.str(value);
        int i = 0;
        char fill = ' ', align = 0;
        if (spec.length() > 1 && "<>^=".indexOf(spec.charAt(1)) >= 0) { fill = spec.charAt(0); align = spec.charAt(1); i = 2; }
        else if ("<>^=".indexOf(spec.charAt(0)) >= 0) { align = spec.charAt(0); i = 1; }
        if (i < spec.length() && spec.charAt(i) == '0' && align == 0) { fill = '0'; align = '='; i++; }
        int ws = i;
        while (i < spec.length() && Character.isDigit(spec.charAt(i))) i++;
        int width = i > ws ? Integer.parseInt(spec.substring(ws, i)) : 0;
        int precision = -1;
        if (i < spec.length() && spec.charAt(i) == '.') {
            int ps = ++i;
            while (i < spec.length() && Character.isDigit(spec.charAt(i))) i++;
            precision = Integer.parseInt(spec.substring(ps, i));
        }
        char type = i < spec.length() ? spec.charAt(i) : 0;
        String body;
        boolean numeric = PyOps.isNumber(value);
        if (type == 'f' || type == 'F' || (type == 0 && value instanceof Double && precision >= 0)) {
            double d = value instanceof Double x ? x : ((Number) (value instanceof Boolean b ? (b ? 1L : 0L) : value)).doubleValue();
            body = String.format(java.util.Locale.ROOT, "%." + (precision < 0 ? 6 : precision) + "f", d);
        } else if (type == 'd') {
            body = PyFormat.str(value);
        } else {
            body = PyFormat.str(value);
            if (precision >= 0 && !numeric) body = body.substring(0, Math.min(body.length(), precision));
        }
        int pad = width - PyStrings.length(body);
        if (pad <= 0) return body;
        if (align == 0) align = numeric ? '>' : '<';
        String f = String.valueOf(fill);
        return switch (align) {
            case '>' -> f.repeat(pad) + body;
            case '^' -> f.repeat(pad / 2) + body + f.repeat(pad - pad / 2);
            case '=' -> body.startsWith("-") ? "-" + f.repeat(pad) + body.substring(1) : f.repeat(pad) + body;
            default -> body + f.repeat(pad);
        };
    }
}
