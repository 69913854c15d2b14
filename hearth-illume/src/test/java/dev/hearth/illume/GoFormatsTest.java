package dev.hearth.illume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The Go behaviours Illume's output depends on, reproduced exactly. */
class GoFormatsTest {
    @Test
    void floatsAreWrittenLikeEncodingJson() {
        assertThat(GoJson.formatFloat(0.0)).isEqualTo("0");
        assertThat(GoJson.formatFloat(-0.0)).isEqualTo("-0");
        assertThat(GoJson.formatFloat(1.0)).isEqualTo("1");
        assertThat(GoJson.formatFloat(0.1)).isEqualTo("0.1");
        assertThat(GoJson.formatFloat(0.30000000000000004)).isEqualTo("0.30000000000000004");
        assertThat(GoJson.formatFloat(123.456)).isEqualTo("123.456");
        assertThat(GoJson.formatFloat(1e20)).isEqualTo("100000000000000000000");
        assertThat(GoJson.formatFloat(1e21)).isEqualTo("1e+21");
        assertThat(GoJson.formatFloat(1e100)).isEqualTo("1e+100");
        assertThat(GoJson.formatFloat(1e-6)).isEqualTo("0.000001");
        assertThat(GoJson.formatFloat(1.5e-7)).isEqualTo("1.5e-7");
        assertThat(GoJson.formatFloat(-2.5e-10)).isEqualTo("-2.5e-10");
        assertThat(GoJson.formatFloat(5e-324)).isEqualTo("5e-324");
        assertThat(GoJson.formatFloat(Double.MAX_VALUE)).isEqualTo("1.7976931348623157e+308");
    }

    @Test
    void stringsEscapeOnlyWhatGoEscapesWithoutHtmlEscaping() {
        StringBuilder out = new StringBuilder();
        GoJson.writeString(out, "<a href=\"x\">&</a>\\\t\n\r\b\f\u0000\u001f\u007f\u2028\u2029é😀\ud800");
        assertThat(out.toString()).isEqualTo(
                "\"<a href=\\\"x\\\">&</a>\\\\\\t\\n\\r\\b\\f\\u0000\\u001f\u007f\\u2028\\u2029é😀\\ufffd\"");
    }

    @Test
    void mapsAreSortedByUtf8BytesAndMessagesKeepFieldOrder() {
        Map<String, Object> body = new TreeMap<>(Map.of("b", 1.0, "a", List.of(true, GoJson.NULL),
                "\uff61", 1, "\ud83d\ude00", 2));
        assertThat(GoJson.encode(body)).isEqualTo("{\"a\":[true,null],\"b\":1,\"\uff61\":1,\"\ud83d\ude00\":2}");
        assertThat(GoJson.marshal(new Message("user", "hi"))).isEqualTo("{\"role\":\"user\",\"content\":\"hi\"}\n");
    }

    @Test
    void parsingAcceptsOnlyWhatJsonUnmarshalAccepts() {
        assertThat(GoJson.parse("1.0")).contains(1.0);
        assertThat(GoJson.parse("-0").map(d -> 1 / (Double) d)).contains(Double.NEGATIVE_INFINITY);
        assertThat(GoJson.parse(" true ")).contains(true);
        assertThat(GoJson.parse("\"\\ud83d\\ude00\"")).contains("😀");
        assertThat(GoJson.parse("{\"a\":1,\"a\":2}")).contains(Map.of("a", 2.0));
        for (String bad : List.of("01", "[1,]", "{\"a\":1} x", "1e400", "tru", "NaN", "'a'", ".5", "+1", "", "{a:1}")) {
            assertThat(GoJson.parse(bad)).as(bad).isEmpty();
        }
    }

    @Test
    void environmentExpansionFollowsOsExpandEnv() {
        EnvExpander e = new EnvExpander(Map.of("A", "x", "B", "y")::get);
        assertThat(e.expand("$A")).isEqualTo("x");
        assertThat(e.expand("${A}b")).isEqualTo("xb");
        assertThat(e.expand("$Ab")).isEmpty();
        assertThat(e.expand("$")).isEqualTo("$");
        assertThat(e.expand("a$")).isEqualTo("a$");
        assertThat(e.expand("$ x")).isEqualTo("$ x");
        assertThat(e.expand("${}z")).isEqualTo("z");
        assertThat(e.expand("${A")).isEqualTo("A");
        assertThat(e.expand("$$")).isEmpty();
        assertThat(e.expand("$1x")).isEqualTo("x");
        assertThat(e.expand("${1}")).isEmpty();
        assertThat(e.expand("${A}${B}-$B.")).isEqualTo("xy-y.");
        assertThat(e.expand("no dollar")).isEqualTo("no dollar");
    }

    @Test
    void statsNumbersAreGoPercentPoint3gAndDurations() {
        assertThat(GoFormat.g3(45.678)).isEqualTo("45.7");
        assertThat(GoFormat.g3(1234.5)).isEqualTo("1.23e+03");
        assertThat(GoFormat.g3(100)).isEqualTo("100");
        assertThat(GoFormat.g3(12.0)).isEqualTo("12");
        assertThat(GoFormat.g3(0.5)).isEqualTo("0.5");
        assertThat(GoFormat.g3(0.000123)).isEqualTo("0.000123");
        assertThat(GoFormat.g3(0.0000123)).isEqualTo("1.23e-05");
        assertThat(GoFormat.g3(999.5)).isEqualTo("1e+03");
        assertThat(GoFormat.g3(Double.NaN)).isEqualTo("NaN");
        assertThat(GoFormat.g3(Double.POSITIVE_INFINITY)).isEqualTo("+Inf");
        assertThat(GoFormat.duration(0)).isEqualTo("0s");
        assertThat(GoFormat.duration(999)).isEqualTo("999ns");
        assertThat(GoFormat.duration(1500)).isEqualTo("1.5µs");
        assertThat(GoFormat.duration(1_234_567)).isEqualTo("1.234567ms");
        assertThat(GoFormat.duration(2_000_000)).isEqualTo("2ms");
        assertThat(GoFormat.duration(1_500_000_000L)).isEqualTo("1.5s");
        assertThat(GoFormat.duration(61_000_000_000L)).isEqualTo("1m1s");
        assertThat(GoFormat.duration(3_723_000_000_000L)).isEqualTo("1h2m3s");
    }

    @Test
    void pathsAreJoinedAndCleanedLikeGo() {
        assertThat(ContextFiles.goClean("a//b/./c/..")).isEqualTo("a/b");
        assertThat(ContextFiles.goClean("./a.py")).isEqualTo("a.py");
        assertThat(ContextFiles.goClean("/../x")).isEqualTo("/x");
        assertThat(ContextFiles.goClean("")).isEqualTo(".");
        assertThat(ContextFiles.goClean("../a/../..")).isEqualTo("../..");
        assertThat(ContextFiles.goJoin("ctx/proj/", "db")).isEqualTo("ctx/proj/db");
        assertThat(ContextFiles.longestLeadingBacktickRun("a\n````x\n ```` no")).isEqualTo(4);
        assertThat(ContextFiles.longestLeadingBacktickRun("")).isEqualTo(2);
    }

    @Test
    void interpolationInsertsStringsRawAndOtherValuesAsJsonLines() throws Exception {
        assertThat(Interpolator.interpolate("{a}-{b}", Map.of("a", "x", "b", 2.0))).isEqualTo("x-2\n");
        assertThat(Interpolator.interpolate("a}b", Map.of())).isEqualTo("a}b");
        assertThatThrownBy(() -> Interpolator.interpolate("x{a", Map.of("a", "1"))).hasMessage("unmatched '}'");
        assertThatThrownBy(() -> Interpolator.interpolate("{c}", Map.of())).hasMessage("missing key: c");
    }

    @Test
    void tagsMatchWholeLinesOnly() {
        assertThat(BufferParser.TagMatch.of("<think>", "think")).isEqualTo(BufferParser.TagMatch.OPEN);
        assertThat(BufferParser.TagMatch.of("</think>", "think")).isEqualTo(BufferParser.TagMatch.CLOSE);
        assertThat(BufferParser.TagMatch.of("<think> ", "think")).isEqualTo(BufferParser.TagMatch.NONE);
        assertThat(BufferParser.TagMatch.of("<thinks>", "think")).isEqualTo(BufferParser.TagMatch.NONE);
        assertThat(BufferParser.TagMatch.of("<>", "")).isEqualTo(BufferParser.TagMatch.NONE);
    }
}
