package dev.hearth.illume;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A hole at the start of a line keeps the middle's last newline when the suffix starts a line of its own. */
class ScopeStopLineEndTest {
    @Test
    void keepsTheNewlineBeforeAnIndentedSuffix() {
        ScopeStop s = ScopeStop.forHole("int main() {\n  int x = 1;\n", "  return x;\n}\n", CodeLanguage.C, false);
        ScopeStop.Decision d = s.decide("  x += 2;\n}\n\nint other() {\n");
        assertThat(d.stop()).isTrue();
        assertThat("  x += 2;\n}\n\nint other() {\n".substring(0, d.length())).isEqualTo("  x += 2;\n");
    }

    @Test
    void suffixThatSuppliesTheNewlineStillGetsNoDuplicate() {
        ScopeStop s = ScopeStop.forHole("int main() {\n  int x = 1;", "\n  return x;\n}\n", CodeLanguage.C, false);
        String middle = "\n  x += 2;\n}\n\nint other() {\n";
        ScopeStop.Decision d = s.decide(middle);
        assertThat(d.stop()).isTrue();
        assertThat(middle.substring(0, d.length())).isEqualTo("\n  x += 2;");
    }
}
