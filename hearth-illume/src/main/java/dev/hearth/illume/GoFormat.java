package dev.hearth.illume;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/** The two Go formats {@code !stats} prints: {@code %.3g} of a float and {@code %v} of a duration. */
final class GoFormat {
    private GoFormat() {}

    /** Go's {@code %.3g}: three significant digits, exponent form when the exponent is < -4 or ≥ 3. */
    static String g3(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        if (value == 0) {
            return (1 / value < 0) ? "-0" : "0";
        }
        final int precision = 3;
        BigDecimal rounded = new BigDecimal(value).round(new MathContext(precision, RoundingMode.HALF_EVEN))
                .stripTrailingZeros();
        String digits = rounded.unscaledValue().abs().toString();
        int nd = digits.length();
        int dp = nd - rounded.scale(); // position of the decimal point relative to the digits
        int eprec = precision;
        if (eprec > nd && nd >= dp) {
            eprec = nd;
        }
        int exponent = dp - 1;
        StringBuilder out = new StringBuilder(value < 0 ? "-" : "");
        if (exponent < -4 || exponent >= eprec) {
            out.append(digits.charAt(0));
            if (nd > 1) {
                out.append('.').append(digits, 1, nd);
            }
            out.append('e').append(exponent < 0 ? '-' : '+');
            int magnitude = Math.abs(exponent);
            if (magnitude < 10) {
                out.append('0');
            }
            return out.append(magnitude).toString();
        }
        return out.append(rounded.abs().toPlainString()).toString();
    }

    /** Go's {@code time.Duration.String}, e.g. {@code 1.5s}, {@code 2m3.004s}, {@code 812.5µs}. */
    static String duration(long nanos) {
        if (nanos == 0) {
            return "0s";
        }
        boolean negative = nanos < 0;
        long u = Math.abs(nanos);
        StringBuilder out = new StringBuilder();
        if (u < 1_000_000_000L) {
            if (u < 1_000) {
                out.append(u).append("ns");
            } else if (u < 1_000_000) {
                out.append(fraction(u, 3)).append("µs");
            } else {
                out.append(fraction(u, 6)).append("ms");
            }
        } else {
            long seconds = u / 1_000_000_000L;
            long fractionNanos = u % 1_000_000_000L;
            long hours = seconds / 3600;
            long minutes = (seconds / 60) % 60;
            long secs = seconds % 60;
            if (hours > 0) {
                out.append(hours).append('h');
            }
            if (hours > 0 || minutes > 0) {
                out.append(minutes).append('m');
            }
            out.append(fraction(secs * 1_000_000_000L + fractionNanos, 9)).append('s');
        }
        return (negative ? "-" : "") + out;
    }

    /** {@code value / 10^digits} with the fraction's trailing zeros (and a bare point) removed. */
    private static String fraction(long value, int digits) {
        long scale = (long) Math.pow(10, digits);
        String whole = Long.toString(value / scale);
        String frac = String.format("%0" + digits + "d", value % scale).replaceAll("0+$", "");
        return frac.isEmpty() ? whole : whole + "." + frac;
    }
}
