package dev.hearth.illume;

import java.util.Map;

/**
 * Illume's {@code {key}} substitution, used for the API URL (keys from the JSON body) and for FIM
 * templates ({@code {prefix}}, {@code {suffix}}). A string value is inserted as is; any other value
 * as Go's JSON encoder writes it, trailing newline included (a quirk kept for fidelity).
 * Errors carry Illume's words: {@code missing key: NAME} and {@code unmatched '}'} (sic: said
 * when a {@code {} has no closing brace).
 */
final class Interpolator {
    private Interpolator() {}

    static String interpolate(String template, Map<String, ?> values) throws IllumeException {
        StringBuilder out = new StringBuilder();
        String rest = template;
        while (true) {
            int open = rest.indexOf('{');
            if (open < 0) {
                return out.append(rest).toString();
            }
            out.append(rest, 0, open);
            int close = rest.indexOf('}', open + 1);
            if (close < 0) {
                throw new IllumeException("unmatched '}'");
            }
            String key = rest.substring(open + 1, close);
            if (!values.containsKey(key)) {
                throw new IllumeException("missing key: " + key);
            }
            Object value = values.get(key);
            out.append(value instanceof String s ? s : GoJson.marshal(value));
            rest = rest.substring(close + 1);
        }
    }
}
