package dev.hearth.illume;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No false stops on real code: every line of this module's own Java sources is taken as a hole in
 * Illume's shape (the prefix ends at a line start, the suffix is a newline and the rest of the
 * file), and the true following lines, up to eight, are fed as the middle. While those lines
 * stay inside the hole's block (never closing a bracket open at the hole) the generation is the
 * file's own code, so it must never be cut. Holes directly in a class body are left out: there
 * one member per hole is the rule.
 */
class ScopeStopRealCodeTest {
    @Test
    void theFilesOwnContinuationIsNeverCut() throws Exception {
        List<Path> sources;
        try (Stream<Path> files = Files.list(Path.of("src/main/java/dev/hearth/illume"))) {
            sources = files.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
        int checked = 0;
        List<String> falseStops = new ArrayList<>();
        for (Path source : sources) {
            String text = Files.readString(source);
            List<Integer> lineStarts = new ArrayList<>();
            lineStarts.add(0);
            for (int i = 0; i < text.length(); i++) {
                if (text.charAt(i) == '\n') {
                    lineStarts.add(i + 1);
                }
            }
            for (int a = 1; a + 1 < lineStarts.size(); a += 3) {
                String prefix = text.substring(0, lineStarts.get(a));
                for (int b = a + 1; b < Math.min(lineStarts.size(), a + 9); b++) {
                    String middle = text.substring(lineStarts.get(a), lineStarts.get(b) - 1);
                    String suffix = text.substring(lineStarts.get(b) - 1);
                    if (middle.isBlank() || leavesTheBlock(prefix, middle)) {
                        break;
                    }
                    ScopeStop stop = ScopeStop.forHole(prefix, suffix, CodeLanguage.JAVA);
                    if (stop.inDeclarationScope()) {
                        break;
                    }
                    checked++;
                    ScopeStop.Decision decision = stop.decide(middle);
                    if (decision.stop()) {
                        falseStops.add(source.getFileName() + ":" + (a + 1) + "-" + b + " cut at " + decision.length()
                                + " of: " + middle.replace("\n", "⏎"));
                    }
                }
            }
        }
        System.out.println("real-code holes checked: " + checked);
        assertThat(checked).isGreaterThan(1000);
        assertThat(falseStops).isEmpty();
    }

    /** Whether the middle closes a bracket that was open at the hole. */
    private static boolean leavesTheBlock(String prefix, String middle) {
        CodeLexer lexer = new CodeLexer(CodeLanguage.JAVA.rules);
        lexer.run(prefix, new CodeLexer.Listener() {});
        int start = lexer.depth();
        boolean[] left = {false};
        lexer.run(middle, new CodeLexer.Listener() {
            @Override
            public void close(int position, char bracket, int depthAfter, boolean unmatched) {
                if (unmatched || depthAfter < start) {
                    left[0] = true;
                }
            }
        });
        return left[0];
    }
}
