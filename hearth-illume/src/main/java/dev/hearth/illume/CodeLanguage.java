package dev.hearth.illume;

import java.util.Locale;

/**
 * The languages {@link ScopeStop} knows, each with the lexical rules that decide which brackets
 * are code (and not inside a string, character, template literal or comment) and whether
 * indentation delimits blocks.
 */
public enum CodeLanguage {
    C(LexRules.C_LIKE),
    CPP(LexRules.CPP),
    JAVA(LexRules.JAVA),
    JAVASCRIPT(LexRules.JAVASCRIPT),
    TYPESCRIPT(LexRules.JAVASCRIPT),
    GO(LexRules.GO),
    RUST(LexRules.RUST),
    CSHARP(LexRules.CSHARP),
    PYTHON(LexRules.PYTHON),
    /** Unknown: brackets outside simple quoted strings; no comments; no indentation rule. */
    GENERIC(LexRules.GENERIC);

    final LexRules rules;

    CodeLanguage(LexRules rules) {
        this.rules = rules;
    }

    /** The language for a file name by its extension, or null when the extension says nothing. */
    public static CodeLanguage fromFileName(String fileName) {
        if (fileName == null) {
            return null;
        }
        String name = fileName.toLowerCase(Locale.ROOT);
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1);
        return switch (ext) {
            case "c", "h" -> C;
            case "cc", "cpp", "cxx", "c++", "hpp", "hh", "hxx", "ipp", "cu" -> CPP;
            case "java", "kt", "kts", "scala", "groovy", "dart", "swift" -> JAVA;
            case "js", "mjs", "cjs", "jsx" -> JAVASCRIPT;
            case "ts", "tsx", "mts", "cts" -> TYPESCRIPT;
            case "go" -> GO;
            case "rs" -> RUST;
            case "cs" -> CSHARP;
            case "py", "pyw", "pyi" -> PYTHON;
            default -> null;
        };
    }

    /** From the file name when it tells, else guessed from the text around the hole. */
    public static CodeLanguage detect(String fileName, String prefix, String suffix) {
        CodeLanguage byName = fromFileName(fileName);
        return byName != null ? byName : guess(prefix + suffix);
    }

    /** A cheap guess from tell-tale tokens; the highest score wins, GENERIC when nothing scores. */
    public static CodeLanguage guess(String text) {
        String sample = text.length() > 20_000 ? text.substring(0, 10_000) + text.substring(text.length() - 10_000) : text;
        int[] score = new int[values().length];
        add(score, PYTHON, sample, "\ndef ", "\nclass ", "import ", "self.", "elif ", "):\n", "    pass", "None", "print(");
        add(score, GO, sample, "package ", "func ", ":= ", "fmt.", "chan ", "go func");
        add(score, RUST, sample, "fn ", "let mut ", "impl ", "pub fn", "&mut ", "-> ", "::new(", "match ");
        add(score, JAVA, sample, "public class ", "private ", "System.out", "import java.", "@Override", "final ");
        add(score, CSHARP, sample, "using System", "namespace ", "Console.", "public void ", "var ", " get; ");
        add(score, JAVASCRIPT, sample, "function ", "const ", "=> ", "console.log", "let ", "===", "require(");
        add(score, TYPESCRIPT, sample, "interface ", ": string", ": number", "export ", "import {");
        add(score, CPP, sample, "#include <iostream>", "std::", "template<", "template <", "::", "nullptr", "auto ");
        add(score, C, sample, "#include", "printf(", "malloc(", "struct ", "int main(", "void ");
        CodeLanguage best = GENERIC;
        int bestScore = 1;
        for (CodeLanguage language : values()) {
            if (score[language.ordinal()] > bestScore) {
                best = language;
                bestScore = score[language.ordinal()];
            }
        }
        return best;
    }

    private static void add(int[] score, CodeLanguage language, String text, String... marks) {
        for (String mark : marks) {
            if (text.contains(mark)) {
                score[language.ordinal()]++;
            }
        }
    }
}
