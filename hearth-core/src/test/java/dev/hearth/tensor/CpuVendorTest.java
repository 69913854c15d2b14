package dev.hearth.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpuVendorTest {
    @Test
    void readsTheVendorLineOfCpuinfo(@TempDir Path dir) throws Exception {
        Path intel = dir.resolve("intel");
        Files.writeString(intel, "processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\n\nprocessor\t: 1\nvendor_id\t: GenuineIntel\n");
        Path amd = dir.resolve("amd");
        Files.writeString(amd, "processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 26\n");
        Path arm = dir.resolve("arm");
        Files.writeString(arm, "processor\t: 0\nBogoMIPS\t: 50.00\nCPU implementer\t: 0x41\n");
        assertThat(CpuVendor.read(intel)).isEqualTo(CpuVendor.INTEL);
        assertThat(CpuVendor.read(amd)).isEqualTo(CpuVendor.AMD);
        assertThat(CpuVendor.read(arm)).isEqualTo(CpuVendor.OTHER);
        assertThat(CpuVendor.read(dir.resolve("missing"))).isEqualTo(CpuVendor.OTHER);
        assertThat(CpuVendor.fromLine("vendor_id : HygonGenuine")).isEqualTo(CpuVendor.OTHER);
    }

    @Test
    void q4_0PromptsTakeTheIntegerGemmExceptOnIntelUnlessTold() {
        assertThat(MatMul.integerGemm(null, CpuVendor.AMD)).isTrue();
        assertThat(MatMul.integerGemm(null, CpuVendor.OTHER)).isTrue();
        assertThat(MatMul.integerGemm(null, CpuVendor.INTEL)).isFalse();
        assertThat(MatMul.integerGemm("true", CpuVendor.INTEL)).isTrue();
        assertThat(MatMul.integerGemm("false", CpuVendor.AMD)).isFalse();
    }
}
