package dev.hearth.chat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts caller data (JSON-like Java values) into the interpreter's value model: every integer
 * becomes a Long and every float a Double, arrays and collections become Lists, maps keep their
 * order. The copy also means a render can never modify the caller's objects.
 */
final class Values {

    private Values() { }

    static Object fromJava(Object v) {
        return switch (v) {
            case null -> null;
            case String s -> s;
            case Boolean b -> b;
            case Long l -> l;
            case Integer i -> i.longValue();
            case Short s -> s.longValue();
            case Byte b -> b.longValue();
            case BigInteger b -> b.bitLength() < 64 ? (Object) b.longValue() : (Object) b.doubleValue();
            case Double d -> d;
            case Float f -> Double.parseDouble(f.toString()); // 0.1f prints as 0.1, as a JSON float would
            case BigDecimal b -> b.doubleValue();
            case Character c -> c.toString();
            case Map<?, ?> m -> {
                Map<Object, Object> out = new LinkedHashMap<>();
                for (Map.Entry<?, ?> e : m.entrySet()) out.put(fromJava(e.getKey()), fromJava(e.getValue()));
                yield out;
            }
            case Iterable<?> it -> {
                List<Object> out = new ArrayList<>();
                for (Object x : it) out.add(fromJava(x));
                yield out;
            }
            case Object[] arr -> {
                List<Object> out = new ArrayList<>();
                for (Object x : arr) out.add(fromJava(x));
                yield out;
            }
            default -> v; // callables and other host objects pass through
        };
    }
}
