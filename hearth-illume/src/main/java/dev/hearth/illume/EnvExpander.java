package dev.hearth.illume;

import java.util.function.UnaryOperator;

/**
 * Go's {@code os.ExpandEnv}, which Illume applies to {@code !>HEADER VALUE}: {@code $NAME} (letters,
 * digits, underscore) and {@code ${NAME}} are replaced by the variable's value, or nothing when
 * unset; a single shell special character ({@code $1}, {@code $?}…) is a name too; a {@code $} not
 * followed by a name stays; malformed {@code ${} or {@code ${…} without a closing brace is eaten.
 */
final class EnvExpander {
    private final UnaryOperator<String> environment;

    EnvExpander(UnaryOperator<String> environment) {
        this.environment = environment;
    }

    String expand(String s) {
        StringBuilder out = new StringBuilder();
        int copiedUpTo = 0;
        for (int j = 0; j < s.length(); j++) {
            if (s.charAt(j) == '$' && j + 1 < s.length()) {
                out.append(s, copiedUpTo, j);
                String rest = s.substring(j + 1);
                int[] width = new int[1];
                String name = shellName(rest, width);
                if (name.isEmpty() && width[0] > 0) {
                    // bad syntax: the characters are eaten
                } else if (name.isEmpty()) {
                    out.append('$');
                } else {
                    String value = environment.apply(name);
                    out.append(value == null ? "" : value);
                }
                j += width[0];
                copiedUpTo = j + 1;
            }
        }
        out.append(s, Math.min(copiedUpTo, s.length()), s.length());
        return out.toString();
    }

    private static String shellName(String s, int[] width) {
        if (s.charAt(0) == '{') {
            if (s.length() > 2 && isShellSpecial(s.charAt(1)) && s.charAt(2) == '}') {
                width[0] = 3;
                return s.substring(1, 2);
            }
            for (int i = 1; i < s.length(); i++) {
                if (s.charAt(i) == '}') {
                    if (i == 1) {
                        width[0] = 2;
                        return "";
                    }
                    width[0] = i + 1;
                    return s.substring(1, i);
                }
            }
            width[0] = 1;
            return "";
        }
        if (isShellSpecial(s.charAt(0))) {
            width[0] = 1;
            return s.substring(0, 1);
        }
        int i = 0;
        while (i < s.length() && isAlphaNumeric(s.charAt(i))) {
            i++;
        }
        width[0] = i;
        return s.substring(0, i);
    }

    private static boolean isShellSpecial(char c) {
        return "*#$@!?-0123456789".indexOf(c) >= 0;
    }

    private static boolean isAlphaNumeric(char c) {
        return c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
}
