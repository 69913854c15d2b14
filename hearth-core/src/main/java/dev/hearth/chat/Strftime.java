package dev.hearth.chat;

import java.time.LocalDateTime;
import java.time.format.TextStyle;
import java.util.Locale;

/**
 * Python's {@code datetime.strftime} in the C locale, for the {@code strftime_now} global,
 * including glibc's {@code %-d} (no padding) flag that Linux Python passes through.
 */
final class Strftime {

    private Strftime() { }

    static String format(LocalDateTime t, String fmt) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < fmt.length(); i++) {
            char c = fmt.charAt(i);
            if (c != '%' || i + 1 >= fmt.length()) { sb.append(c); continue; }
            char d = fmt.charAt(++i);
            boolean noPad = d == '-' && i + 1 < fmt.length();
            if (noPad) d = fmt.charAt(++i);
            int mark = sb.length();
            switch (d) {
                case 'Y' -> sb.append(t.getYear());
                case 'y' -> sb.append(two(t.getYear() % 100));
                case 'm' -> sb.append(two(t.getMonthValue()));
                case 'd' -> sb.append(two(t.getDayOfMonth()));
                case 'e' -> sb.append(String.format("%2d", t.getDayOfMonth()));
                case 'H' -> sb.append(two(t.getHour()));
                case 'I' -> sb.append(two(t.getHour() % 12 == 0 ? 12 : t.getHour() % 12));
                case 'M' -> sb.append(two(t.getMinute()));
                case 'S' -> sb.append(two(t.getSecond()));
                case 'f' -> sb.append(String.format("%06d", t.getNano() / 1000));
                case 'p' -> sb.append(t.getHour() < 12 ? "AM" : "PM");
                case 'b', 'h' -> sb.append(t.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
                case 'B' -> sb.append(t.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
                case 'a' -> sb.append(t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
                case 'A' -> sb.append(t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
                case 'j' -> sb.append(String.format("%03d", t.getDayOfYear()));
                case 'w' -> sb.append(t.getDayOfWeek().getValue() % 7);
                case 'u' -> sb.append(t.getDayOfWeek().getValue());
                case 'D' -> sb.append(format(t, "%m/%d/%y"));
                case 'F' -> sb.append(format(t, "%Y-%m-%d"));
                case 'T' -> sb.append(format(t, "%H:%M:%S"));
                case 'R' -> sb.append(format(t, "%H:%M"));
                case 'c' -> sb.append(format(t, "%a %b ")).append(String.format("%2d", t.getDayOfMonth()))
                        .append(format(t, " %H:%M:%S %Y"));
                case 'x' -> sb.append(format(t, "%m/%d/%y"));
                case 'X' -> sb.append(format(t, "%H:%M:%S"));
                case 'k' -> sb.append(String.format("%2d", t.getHour()));
                case 'l' -> sb.append(String.format("%2d", t.getHour() % 12 == 0 ? 12 : t.getHour() % 12));
                case 'P' -> sb.append(t.getHour() < 12 ? "am" : "pm");
                case 'C' -> sb.append(two(t.getYear() / 100));
                case 'G' -> sb.append(t.get(java.time.temporal.IsoFields.WEEK_BASED_YEAR));
                case 'V' -> sb.append(two(t.get(java.time.temporal.IsoFields.WEEK_OF_WEEK_BASED_YEAR)));
                case 'U' -> sb.append(two((t.getDayOfYear() + 6 - t.getDayOfWeek().getValue() % 7) / 7));
                case 'W' -> sb.append(two((t.getDayOfYear() + 6 - (t.getDayOfWeek().getValue() + 6) % 7) / 7));
                case 'z', 'Z' -> { } // naive datetime: empty, as in Python
                case 'n' -> sb.append('\n');
                case 't' -> sb.append('\t');
                case '%' -> sb.append('%');
                default -> sb.append('%').append(noPad ? "-" : "").append(d);
            }
            if (noPad) { // drop leading zeros and spaces of a number, keeping its last digit
                int k = mark;
                while (k < sb.length() - 1 && (sb.charAt(k) == '0' || sb.charAt(k) == ' ')) k++;
                sb.delete(mark, k);
            }
        }
        return sb.toString();
    }

    private static String two(int v) {
        return v < 10 ? "0" + v : Integer.toString(v);
    }
}
