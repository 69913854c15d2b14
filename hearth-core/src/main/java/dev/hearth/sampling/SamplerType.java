package dev.hearth.sampling;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The stages of llama.cpp's sampler chain that a request may reorder with {@code samplers}, by
 * name (llama.cpp's canonical names and aliases) or by one letter each ({@code "edskypmxt"}).
 */
public enum SamplerType {
    PENALTIES("penalties", 'e'),
    DRY("dry", 'd'),
    TOP_N_SIGMA("top_n_sigma", 's'),
    TOP_K("top_k", 'k'),
    TYPICAL_P("typ_p", 'y'),
    TOP_P("top_p", 'p'),
    MIN_P("min_p", 'm'),
    XTC("xtc", 'x'),
    TEMPERATURE("temperature", 't'),
    /** not in the default order: code infill asks for it explicitly */
    INFILL("infill", 'i');

    public final String canonical;
    public final char letter;

    SamplerType(String canonical, char letter) {
        this.canonical = canonical;
        this.letter = letter;
    }

    /** llama.cpp's default order. */
    public static List<SamplerType> defaultOrder() {
        return List.of(PENALTIES, DRY, TOP_N_SIGMA, TOP_K, TYPICAL_P, TOP_P, MIN_P, XTC, TEMPERATURE);
    }

    /** Parses names like llama.cpp: case-insensitive, with or without '_', plus its aliases; unknown names are skipped. */
    public static List<SamplerType> fromNames(List<String> names) {
        List<SamplerType> out = new ArrayList<>();
        for (String n : names) {
            SamplerType t = byName(n.toLowerCase(Locale.ROOT));
            if (t != null) out.add(t);
        }
        return out;
    }

    /** Parses one letter per stage; unknown letters are skipped, as llama.cpp does. */
    public static List<SamplerType> fromLetters(String letters) {
        List<SamplerType> out = new ArrayList<>();
        for (char c : letters.toCharArray())
            for (SamplerType t : values()) if (t.letter == c) out.add(t);
        return out;
    }

    private static SamplerType byName(String n) {
        switch (n) {
            case "nucleus": return TOP_P;
            case "temp": return TEMPERATURE;
            case "typ", "typical_p", "typical": return TYPICAL_P;
            default:
        }
        for (SamplerType t : values())
            if (t.canonical.equals(n) || t.canonical.replace("_", "").equals(n)) return t;
        return null;
    }
}
