package dev.hearth.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class TokenizeCommandTest {
    private static final Path STORIES = Path.of("../models/stories260K.gguf");

    private static String run(String... args) {
        StringWriter out = new StringWriter();
        CommandLine cl = new CommandLine(new TokenizeCommand());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(new StringWriter()));
        int rc = cl.execute(args);
        assertThat(rc).isZero();
        return out.toString();
    }

    @Test
    void idsLikeLlamaTokenize() {
        assumeTrue(Files.isRegularFile(STORIES));
        // llama.cpp: llama-tokenize -m stories260K.gguf -p "Once upon a time" --ids
        assertThat(run("-m", STORIES.toString(), "--ids", "Once upon a time")).isEqualTo("[1, 403, 407, 261, 378]\n");
        assertThat(run("-m", STORIES.toString(), "--ids", "--no-bos", "Once upon a time")).isEqualTo("[403, 407, 261, 378]\n");
    }

    @Test
    void piecesAndEscapes() {
        assumeTrue(Files.isRegularFile(STORIES));
        String lines = run("-m", STORIES.toString(), "--no-bos", "a\\nb");
        assertThat(lines).contains("->").contains("'\n'");
        assertThat(run("-m", STORIES.toString(), "--no-bos", "--pieces", "--show-count", "Once")).endsWith("Total number of tokens: 1\n");
    }

    @Test
    void partialCharactersAreShownAsByteEscapes() {
        assertThat(TokenizeCommand.showPiece(new byte[]{(byte) 0xF0, (byte) 0x9F})).isEqualTo("\\xF0\\x9F");
        assertThat(TokenizeCommand.showPiece("é".getBytes(java.nio.charset.StandardCharsets.UTF_8))).isEqualTo("é");
    }

    @Test
    void escapesFollowLlamaCpp() {
        assertThat(TokenizeCommand.processEscapes("a\\nb\\t\\x41\\q\\\\")).isEqualTo("a\nb\tA\\q\\");
    }
}
