package dev.hearth.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TransposeTest {
    @Test
    void everyValueLandsAtItsTransposedPlace() {
        float[] src = new float[3 + 20 * 16], dst = new float[5 + 24 * 16];
        for (int i = 0; i < src.length; i++) src[i] = i;
        Transpose.of16(src, 3, 20, dst, 5, 24);
        for (int i = 0; i < 16; i++)
            for (int j = 0; j < 16; j++) assertThat(dst[5 + j * 24 + i]).as("(%d, %d)", i, j).isEqualTo(src[3 + i * 20 + j]);
    }
}
