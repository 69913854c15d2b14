package dev.hearth.cli;

import dev.hearth.gguf.GgufFile;
import dev.hearth.tokenizer.Tokenizer;
import dev.hearth.tokenizer.UnsupportedTokenizerException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code hearth tokenize}: the token ids of a text under a model's vocabulary, in the formats of
 * llama.cpp's {@code llama-tokenize} (default: one {@code id -> 'piece'} line per token; {@code --ids}:
 * {@code [1, 2, 3]}). Like llama-tokenize it adds BOS when the vocabulary asks for it, parses special
 * tokens, and interprets backslash escapes ({@code \n}, {@code \t}, {@code \xHH} ...) in the text.
 * One difference: a piece holding part of a multi-byte character is shown as {@code \xNN} escapes
 * rather than raw bytes.
 */
@Command(name = "tokenize", mixinStandardHelpOptions = true,
        description = "Print the tokens of a text under a model's vocabulary (as llama-tokenize).")
public final class TokenizeCommand implements Callable<Integer> {
    @Option(names = {"-m", "--model"}, required = true, description = "GGUF model or vocabulary file")
    Path model;

    @Option(names = {"-f", "--file"}, description = "read the text from this file")
    Path file;

    @Option(names = "--stdin", description = "read the text from standard input")
    boolean stdin;

    @Option(names = "--ids", description = "print only the ids, as [1, 2, 3]")
    boolean ids;

    @Option(names = "--pieces", description = "print only the pieces, one quoted piece per line")
    boolean pieces;

    @Option(names = "--no-bos", description = "do not add BOS/EOS even if the vocabulary asks for them")
    boolean noBos;

    @Option(names = "--no-parse-special", description = "treat special-token texts such as <|eot_id|> as plain text")
    boolean noParseSpecial;

    @Option(names = "--no-escape", description = "take backslashes in the text literally")
    boolean noEscape;

    @Option(names = "--show-count", description = "print the number of tokens")
    boolean showCount;

    @Parameters(arity = "0..1", paramLabel = "TEXT", description = "the text (unless -f or --stdin)")
    String text;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String input;
        if (stdin) input = new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
        else if (file != null) input = Files.readString(file, StandardCharsets.UTF_8);
        else if (text != null) input = text;
        else {
            err.println("error: give the text, -f FILE or --stdin");
            return 2;
        }
        if (!noEscape) input = processEscapes(input);

        Tokenizer tok;
        try (GgufFile gguf = GgufFile.open(model)) {
            tok = Tokenizer.load(gguf);
        } catch (UnsupportedTokenizerException e) {
            err.println("error: " + model + ": " + e.getMessage());
            return 1;
        }
        boolean addSpecial = tok.vocabulary().addBos() && !noBos; // llama-tokenize ties add_special to add_bos
        int[] tokens = tok.encode(input, addSpecial, !noParseSpecial);

        if (ids) {
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < tokens.length; i++) sb.append(i > 0 ? ", " : "").append(tokens[i]);
            out.println(sb.append(']'));
        } else {
            for (int id : tokens) {
                String piece = showPiece(tok.piece(id, true));
                if (pieces) out.println("'" + piece + "'");
                else out.printf("%6d -> '%s'%n", id, piece);
            }
        }
        if (showCount) out.println("Total number of tokens: " + tokens.length);
        out.flush();
        return 0;
    }

    /**
     * The piece as text; a piece that is not valid UTF-8 on its own (part of a character split over
     * tokens) is shown with its non-ASCII bytes as {@code \xNN} (llama-tokenize writes the raw bytes).
     */
    static String showPiece(byte[] piece) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(piece)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            StringBuilder sb = new StringBuilder();
            for (byte b : piece) {
                if (b >= 0) sb.append((char) b);
                else sb.append(String.format("\\x%02X", b & 0xFF));
            }
            return sb.toString();
        }
    }

    /** llama.cpp's {@code string_process_escapes}: \n \r \t \' \" \\ and \xHH; other escapes stay as written. */
    static String processEscapes(String s) {
        if (s.indexOf('\\') < 0) return s;
        ByteArrayOutputStream b = new ByteArrayOutputStream(s.length());
        byte[] in = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < in.length; i++) {
            if (in[i] == '\\' && i + 1 < in.length) {
                byte c = in[++i];
                switch (c) {
                    case 'n' -> b.write('\n');
                    case 'r' -> b.write('\r');
                    case 't' -> b.write('\t');
                    case '\'' -> b.write('\'');
                    case '"' -> b.write('"');
                    case '\\' -> b.write('\\');
                    case 'x' -> {
                        if (i + 2 < in.length && hex(in[i + 1]) >= 0 && hex(in[i + 2]) >= 0) {
                            b.write(hex(in[i + 1]) * 16 + hex(in[i + 2]));
                            i += 2;
                        } else {
                            b.write('\\');
                            b.write('x');
                        }
                    }
                    default -> {
                        b.write('\\');
                        b.write(c);
                    }
                }
            } else {
                b.write(in[i]);
            }
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    private static int hex(byte c) {
        return Character.digit(c, 16);
    }
}
