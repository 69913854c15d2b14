package dev.hearth.cli;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/** C's printf {@code %.Ng} for floats, so Hearth's logit dumps diff cleanly against llama.cpp tools' output. */
final class CFormat {
    private CFormat() {}

    static String g(double v, int precision) {
        if (Double.isNaN(v)) return "nan";
        if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
        if (v == 0) return (1 / v < 0) ? "-0" : "0";
        BigDecimal d = new BigDecimal(v).round(new MathContext(precision, RoundingMode.HALF_EVEN));
        int exp = d.precision() - d.scale() - 1; // decimal exponent of the rounded value
        if (exp < -4 || exp >= precision) {
            BigDecimal mant = d.movePointLeft(exp);
            String m = strip(mant.toPlainString());
            return m + "e" + (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
        }
        return strip(d.toPlainString());
    }

    private static String strip(String s) {
        if (s.indexOf('.') < 0) return s;
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }
}
