package dev.hearth.illume;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * JSON exactly as Illume's Go code reads and writes it, because {@code !debug} output and request
 * bodies must be byte-identical to Illume's.
 *
 * <p>Reading ({@code json.Unmarshal} into {@code interface{}}): objects become maps, arrays lists,
 * every number a {@code double} (Go's float64 — so {@code 1.0} is written back as {@code 1}), and a
 * value that is not one complete JSON document (or a number out of float64 range) is an error.
 * Jackson's streaming parser does the lexing; numbers are taken from their source text so that
 * {@code -0} survives.
 *
 * <p>Writing ({@code json.Encoder} with {@code SetEscapeHTML(false)}): map keys sorted by their
 * UTF-8 bytes; floats in Go's shortest form ({@code 'f'} format, or {@code 'e'} below 1e-6 and from
 * 1e21, with {@code e-07} cleaned to {@code e-7}); strings escape only {@code "}, {@code \},
 * control characters ({@code \b \f \n \r \t} by name, others as {@code \\u00xx} lowercase) and
 * U+2028/U+2029; a lone surrogate (Go: invalid UTF-8) is written as the escape for U+FFFD.
 */
public final class GoJson {
    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    /** Go's JSON {@code null}, distinct from a missing key. */
    public static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    private GoJson() {}

    /** Parses one complete JSON value, or empty when Go's {@code json.Unmarshal} would fail. */
    public static Optional<Object> parse(String text) {
        try (JsonParser parser = FACTORY.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return Optional.empty();
            }
            Object value = readValue(parser, first);
            if (parser.nextToken() != null) {
                return Optional.empty();
            }
            return Optional.of(value);
        } catch (IOException | NumberFormatException | ArithmeticException e) {
            return Optional.empty();
        }
    }

    private static Object readValue(JsonParser parser, JsonToken token) throws IOException {
        switch (token) {
            case START_OBJECT -> {
                Map<String, Object> map = new HashMap<>();
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
                    String key = parser.currentName();
                    map.put(key, readValue(parser, parser.nextToken()));
                }
                return map;
            }
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
                    list.add(readValue(parser, t));
                }
                return list;
            }
            case VALUE_STRING -> {
                return parser.getText();
            }
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                double d = Double.parseDouble(parser.getText());
                if (Double.isInfinite(d)) {
                    throw new ArithmeticException("out of float64 range"); // Go: strconv range error
                }
                return d;
            }
            case VALUE_TRUE -> {
                return Boolean.TRUE;
            }
            case VALUE_FALSE -> {
                return Boolean.FALSE;
            }
            case VALUE_NULL -> {
                return NULL;
            }
            default -> throw new IOException("unexpected token " + token);
        }
    }

    /** Go's {@code json.Encoder.Encode}: the value followed by a newline. */
    public static String marshal(Object value) {
        StringBuilder out = new StringBuilder();
        write(out, value);
        return out.append('\n').toString();
    }

    /** The value's encoding without the encoder's trailing newline. */
    public static String encode(Object value) {
        StringBuilder out = new StringBuilder();
        write(out, value);
        return out.toString();
    }

    @SuppressWarnings("unchecked")
    private static void write(StringBuilder out, Object value) {
        switch (value) {
            case null -> out.append("null");
            case String s -> writeString(out, s);
            case Boolean b -> out.append(b);
            case Double d -> out.append(formatFloat(d));
            case Float f -> out.append(formatFloat(f.doubleValue()));
            case Integer i -> out.append(i);
            case Long l -> out.append(l);
            case Message m -> {
                out.append("{\"role\":");
                writeString(out, m.role());
                out.append(",\"content\":");
                writeString(out, m.content());
                out.append('}');
            }
            case Map<?, ?> map -> {
                List<String> keys = new ArrayList<>((java.util.Set<String>) map.keySet());
                keys.sort(GoJson::compareUtf8);
                out.append('{');
                for (int i = 0; i < keys.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    writeString(out, keys.get(i));
                    out.append(':');
                    write(out, ((Map<String, Object>) map).get(keys.get(i)));
                }
                out.append('}');
            }
            case List<?> list -> {
                out.append('[');
                for (int i = 0; i < list.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    write(out, list.get(i));
                }
                out.append(']');
            }
            default -> {
                if (value == NULL) {
                    out.append("null");
                } else {
                    throw new IllegalArgumentException("not a JSON value: " + value.getClass());
                }
            }
        }
    }

    /** Go sorts map keys as byte strings; UTF-16 order differs above U+FFFF, so compare UTF-8. */
    static int compareUtf8(String a, String b) {
        byte[] x = a.getBytes(StandardCharsets.UTF_8);
        byte[] y = b.getBytes(StandardCharsets.UTF_8);
        return java.util.Arrays.compareUnsigned(x, y);
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    static void writeString(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\u2028' -> out.append("\\u2028");
                case '\u2029' -> out.append("\\u2029");
                default -> {
                    if (c < 0x20) {
                        out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 15]);
                    } else if (Character.isHighSurrogate(c) && i + 1 < s.length()
                            && Character.isLowSurrogate(s.charAt(i + 1))) {
                        out.append(c).append(s.charAt(++i));
                    } else if (Character.isSurrogate(c)) {
                        out.append("\\ufffd");
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /**
     * The shortest decimal that reads back as {@code d}, the closest one when several are as short.
     * {@code Double.toString} is that, except that it never gives fewer than two digits (4.9E-324
     * where Go writes 5e-324), so a one-digit candidate is tried as well.
     */
    private static BigDecimal shortestDigits(double d) {
        BigDecimal shortest = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        if (shortest.precision() == 2) {
            BigDecimal exact = new BigDecimal(d);
            BigDecimal best = null;
            for (java.math.RoundingMode mode : new java.math.RoundingMode[] {java.math.RoundingMode.DOWN, java.math.RoundingMode.UP}) {
                BigDecimal candidate = shortest.round(new java.math.MathContext(1, mode));
                if (candidate.doubleValue() == d && (best == null
                        || candidate.subtract(exact).abs().compareTo(best.subtract(exact).abs()) < 0)) {
                    best = candidate;
                }
            }
            if (best != null) {
                return best.stripTrailingZeros();
            }
        }
        return shortest;
    }

    /** Go's {@code encoding/json} float64 format. */
    static String formatFloat(double d) {
        if (d == 0) {
            return (1 / d < 0) ? "-0" : "0";
        }
        double abs = Math.abs(d);
        // Double.toString gives the shortest round-tripping digits (JDK 19+), as Go's -1 precision does
        BigDecimal shortest = shortestDigits(d);
        if (abs >= 1e-6 && abs < 1e21) {
            return shortest.toPlainString();
        }
        String digits = shortest.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - shortest.scale();
        StringBuilder out = new StringBuilder();
        if (d < 0) {
            out.append('-');
        }
        out.append(digits.charAt(0));
        if (digits.length() > 1) {
            out.append('.').append(digits, 1, digits.length());
        }
        out.append('e').append(exponent < 0 ? '-' : '+');
        int magnitude = Math.abs(exponent);
        // Go writes at least two exponent digits, then the encoder cleans "e-07" to "e-7" (negative only)
        if (magnitude < 10 && exponent > 0) {
            out.append('0');
        }
        out.append(magnitude);
        return out.toString();
    }
}
