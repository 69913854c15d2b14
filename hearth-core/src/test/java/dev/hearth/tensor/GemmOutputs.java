package dev.hearth.tensor;

import static org.assertj.core.api.Assertions.assertThat;

/** The check the prompt-GEMM tests make of an output matrix that the test filled with -1 before the multiply. */
final class GemmOutputs {
    private GemmOutputs() {}

    /** The expected output for weight row r and token t. */
    @FunctionalInterface
    interface Expected {
        float at(int r, int t);
    }

    /**
     * Every {@code y[t·ldy + yOffset + r]} (t &lt; tokens, r &lt; rows) equals {@code expected.at(r, t)} to the bit, and
     * every other column of the {@code tokens} rows of y is still -1.
     */
    static void assertWritten(float[] y, int tokens, int rows, int yOffset, int ldy, Expected expected) {
        for (int t = 0; t < tokens; t++) {
            for (int j = 0; j < ldy; j++) {
                int r = j - yOffset;
                if (r < 0 || r >= rows) {
                    assertThat(y[t * ldy + j]).as("outside the output, token %d column %d", t, j).isEqualTo(-1f);
                    continue;
                }
                assertThat(y[t * ldy + j]).as("row %d token %d", r, t).isEqualTo(expected.at(r, t));
            }
        }
    }
}
