package dev.hearth.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** Blocks written byte by byte from the layouts in ggml-common.h, decoded by hand. */
class KnownBlocksTest {
    private static final short HALF_ONE = 0x3C00, HALF_HALF = 0x3800, HALF_TWO = 0x4000;

    private static MemorySegment block(GgmlType t) {
        return TestData.segment(t.blockBytes);
    }

    private static void half(MemorySegment s, long off, short bits) {
        s.set(Blocks.SHORT_LE, off, bits);
    }

    private static void u8(MemorySegment s, long off, int v) {
        s.set(ValueLayout.JAVA_BYTE, off, (byte) v);
    }

    private static float[] decode(GgmlType t, MemorySegment s) {
        float[] ref = TestData.dequantized(ScalarTypeOps.of(t), s, t.blockSize);
        assertThat(TestData.dequantized(TypeOps.of(t), s, t.blockSize)).isEqualTo(ref);
        return ref;
    }

    @Test
    void q4_0NibblesAreLowFirstHalfHighSecondHalf() {
        MemorySegment b = block(GgmlType.Q4_0);
        half(b, 0, HALF_HALF); // d = 0.5
        u8(b, 2, 0x1F);        // value 0: 15-8 = 7 → 3.5; value 16: 1-8 = -7 → -3.5
        u8(b, 17, 0x80);       // value 15: 0-8 → -4; value 31: 8-8 → 0
        float[] v = decode(GgmlType.Q4_0, b);
        assertThat(v[0]).isEqualTo(3.5f);
        assertThat(v[16]).isEqualTo(-3.5f);
        assertThat(v[15]).isEqualTo(-4f);
        assertThat(v[31]).isEqualTo(0f);
        assertThat(v[1]).isEqualTo(-4f); // zero byte: both nibbles 0 → -8·0.5
    }

    @Test
    void q5_0FifthBitComesFromQhBitJ() {
        MemorySegment b = block(GgmlType.Q5_0);
        half(b, 0, HALF_ONE);
        b.set(Blocks.INT_LE, 2, (1 << 3) | (1 << 20)); // fifth bits of values 3 and 20
        u8(b, 6 + 3, 0x02);  // value 3: 2 | 16 = 18 → 2; value 19: 0 → -16
        u8(b, 6 + 4, 0x50);  // value 20: 5 | 16 = 21 → 5; value 4: 0 → -16
        float[] v = decode(GgmlType.Q5_0, b);
        assertThat(v[3]).isEqualTo(2f);
        assertThat(v[19]).isEqualTo(-16f);
        assertThat(v[20]).isEqualTo(5f);
        assertThat(v[4]).isEqualTo(-16f);
    }

    @Test
    void q8_0IsScaleTimesSignedByte() {
        MemorySegment b = block(GgmlType.Q8_0);
        half(b, 0, HALF_TWO);
        u8(b, 2, -3);
        u8(b, 33, 127);
        float[] v = decode(GgmlType.Q8_0, b);
        assertThat(v[0]).isEqualTo(-6f);
        assertThat(v[31]).isEqualTo(254f);
    }

    @Test
    void q2_kScaleAndMinNibbles() {
        MemorySegment b = block(GgmlType.Q2_K);
        half(b, 80, HALF_ONE); // d
        half(b, 82, HALF_ONE); // dmin
        u8(b, 0, 0x21);        // sub-block 0: scale 1, min 2
        u8(b, 2, 0x13);        // sub-block 2 (values 32..47): scale 3, min 1
        u8(b, 16, 0b11_10_01_00); // qs[0]: value 0 → 0, value 32 → 1, value 64 → 2, value 96 → 3
        float[] v = decode(GgmlType.Q2_K, b);
        assertThat(v[0]).isEqualTo(1 * 0 - 2f);
        assertThat(v[32]).isEqualTo(3 * 1 - 1f);
        assertThat(v[64]).isEqualTo(0f); // sub-block 4 has scale 0, min 0
    }

    @Test
    void q3_kSignedScalesAndHighBitMask() {
        MemorySegment b = block(GgmlType.Q3_K);
        half(b, 108, HALF_ONE);
        // scale 0 = 0b100101 - 32 = 5: low nibble 5 in scales[0], top bits 0b10 in scales[8] bits 0..1
        u8(b, 96, 0x05);
        u8(b, 96 + 8, 0x02);
        // scale 9 = 0b010011 - 32 = -13: low nibble 3 in the high nibble of scales[1], top bits 0b01
        // in scales[8 + 9%4 = 9] bits 2·(9/4) = 4..5
        u8(b, 97, 0x30);
        u8(b, 96 + 9, 0x10);
        u8(b, 32, 0x03);       // value 0: low bits 3
        u8(b, 0, 0x01);        // hmask[0] bit 0: value 0's high bit set → 3 - 0 = 3
        // value 144 (sub-block 9): half 1, j 0, l 16 → qs[32 + 16] bits 0..1; high bit: bit 4 of hmask[16]
        u8(b, 32 + 32 + 16, 0x01); // low bits 1, high bit clear → 1 - 4 = -3
        float[] v = decode(GgmlType.Q3_K, b);
        assertThat(v[0]).isEqualTo(5 * 3f);
        assertThat(v[1]).isEqualTo(5 * -4f);
        assertThat(v[144]).isEqualTo(-13 * -3f);
    }

    @Test
    void q4_kSixBitScalesAndMins() {
        MemorySegment b = block(GgmlType.Q4_K);
        half(b, 0, HALF_ONE);  // d
        half(b, 2, HALF_HALF); // dmin
        u8(b, 4 + 0, 2 | (1 << 6));  // scale 0 = 2; top bits of scale 4 = 1
        u8(b, 4 + 4, 3 | (2 << 6));  // min 0 = 3; top bits of min 4 = 2
        u8(b, 4 + 8, 0x35);          // scale 4 low nibble 5 → 21, min 4 low nibble 3 → 35
        u8(b, 16 + 0, 0x97);         // value 0 = 7 (sub-block 0), value 32 = 9 (sub-block 1: scale 0, min 0)
        u8(b, 16 + 64, 0x0A);        // value 128 = 10 (sub-block 4)
        float[] v = decode(GgmlType.Q4_K, b);
        assertThat(v[0]).isEqualTo(1 * 2 * 7 - 0.5f * 3);
        assertThat(v[32]).isEqualTo(0f);
        assertThat(v[128]).isEqualTo(1 * 21 * 10 - 0.5f * 35);
    }

    @Test
    void q5_kFifthBitIsBitJOfQh() {
        MemorySegment b = block(GgmlType.Q5_K);
        half(b, 0, HALF_ONE);
        u8(b, 4 + 1, 1);      // scale 1 = 1 (values 32..63), min 0
        u8(b, 16 + 5, 0x02);  // qh[5] bit 1: value 37's fifth bit
        u8(b, 48 + 5, 0x40);  // qs[5] high nibble 4 → value 37 = 4 + 16
        assertThat(decode(GgmlType.Q5_K, b)[37]).isEqualTo(20f);
    }

    @Test
    void q6_kLowNibblesHighBitsAndSignedScales() {
        MemorySegment b = block(GgmlType.Q6_K);
        half(b, 208, HALF_ONE);
        u8(b, 192 + 0, 3);    // scale of values 0..15
        u8(b, 192 + 4, -2);   // scale of values 64..79
        u8(b, 0, 0x21);       // ql[0]: value 0 low nibble 1, value 64 low nibble 2
        u8(b, 128, 0x32);     // qh[0]: value 0 top bits 2, value 64 (bits 4..5) top bits 3
        float[] v = decode(GgmlType.Q6_K, b);
        assertThat(v[0]).isEqualTo(3 * ((1 | 2 << 4) - 32f));
        assertThat(v[64]).isEqualTo(-2 * ((2 | 3 << 4) - 32f));
        assertThat(v[1]).isEqualTo(3 * -32f);
    }

    @Test
    void bf16RoundsToNearestEvenAndQuietsNaN() {
        assertThat(BFloat16.fromFloat(1f)).isEqualTo((short) 0x3F80);
        assertThat(BFloat16.fromFloat(Float.intBitsToFloat(0x3F808000))).isEqualTo((short) 0x3F80); // tie → even
        assertThat(BFloat16.fromFloat(Float.intBitsToFloat(0x3F818000))).isEqualTo((short) 0x3F82); // tie → even
        assertThat(BFloat16.fromFloat(Float.intBitsToFloat(0x3F808001))).isEqualTo((short) 0x3F81);
        assertThat(BFloat16.fromFloat(Float.intBitsToFloat(0x7F800001))).isEqualTo((short) 0x7FC0);
        assertThat(BFloat16.toFloat((short) 0xC000)).isEqualTo(-2f);
    }

    @Test
    void roundingPrimitives() {
        assertThat(QuantMath.nearestInt(2.5f)).isEqualTo(2);
        assertThat(QuantMath.nearestInt(3.5f)).isEqualTo(4);
        assertThat(QuantMath.nearestInt(-2.5f)).isEqualTo(-2);
        assertThat(QuantMath.roundHalfAway(2.5f)).isEqualTo(3);
        assertThat(QuantMath.roundHalfAway(-2.5f)).isEqualTo(-3);
        assertThat(QuantMath.roundHalfAway(0.49999997f)).isEqualTo(0);
    }

    @Test
    void activationFormatsHoldTheirScaleAndSums() {
        float[] x = new float[256];
        for (int i = 0; i < 256; i++) x[i] = i % 16 == 0 ? -2.54f : 0.01f * (i % 7);
        MemorySegment q8k = TestData.quantized(TypeOps.of(GgmlType.Q8_K), x);
        assertThat(q8k.get(Blocks.FLOAT_LE, 0)).isEqualTo(1 / (-127f / -2.54f));
        for (int j = 0; j < 16; j++) {
            int sum = 0;
            for (int i = 0; i < 16; i++) sum += q8k.get(ValueLayout.JAVA_BYTE, 4 + 16 * j + i);
            assertThat((int) q8k.get(Blocks.SHORT_LE, 260 + 2 * j)).isEqualTo(sum);
        }
        assertThat(q8k.get(ValueLayout.JAVA_BYTE, 4)).isEqualTo((byte) -127);
        MemorySegment q81 = TestData.quantized(TypeOps.of(GgmlType.Q8_1), x);
        int sum = 0;
        for (int i = 0; i < 32; i++) sum += q81.get(ValueLayout.JAVA_BYTE, 4 + i);
        assertThat(Blocks.half(q81, 2)).isEqualTo(QuantMath.viaHalf(sum * Blocks.half(q81, 0)));
    }

    @Test
    void unsupportedTypesAreRefusedClearly() {
        assertThatThrownBy(() -> TypeOps.of(GgmlType.IQ4_NL)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unsupported tensor type IQ4_NL");
        assertThatThrownBy(() -> ScalarTypeOps.of(GgmlType.I32)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unsupported tensor type I32");
        assertThatThrownBy(() -> TypeOps.of(GgmlType.Q4_K).dequantize(TestData.segment(144), 0, new float[100], 0, 100))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("multiple of");
    }
}
