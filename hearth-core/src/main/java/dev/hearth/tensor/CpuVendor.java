package dev.hearth.tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Who made this machine's CPU, for the few kernel choices that go one way on AMD cores and the other on Intel ones
 * (see {@link MatMul#INTEGER_GEMM}). Read from Linux's {@code /proc/cpuinfo} ({@code vendor_id}, the CPUID vendor
 * string); elsewhere, or if it cannot be read, {@link #OTHER}. Choices made from it are fixed for the process, so
 * the same input gives the same output every run on one machine.
 */
enum CpuVendor {
    AMD, INTEL, OTHER;

    static final CpuVendor THIS = read(Path.of("/proc/cpuinfo"));

    static CpuVendor read(Path cpuinfo) {
        try (Stream<String> lines = Files.lines(cpuinfo)) {
            return lines.filter(l -> l.startsWith("vendor_id")).findFirst().map(CpuVendor::fromLine).orElse(OTHER);
        } catch (IOException | RuntimeException e) {
            return OTHER;
        }
    }

    /** {@code vendor_id\t: GenuineIntel} and the like. */
    static CpuVendor fromLine(String line) {
        String id = line.substring(line.indexOf(':') + 1).trim();
        return switch (id) {
            case "AuthenticAMD" -> AMD;
            case "GenuineIntel" -> INTEL;
            default -> OTHER;
        };
    }
}
