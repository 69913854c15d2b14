package dev.hearth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code hearth illume} is the hearth-illume client: a buffer on stdin, Illume's output on stdout. */
class IllumeCommandTest {
    @Test
    void debugBufferPrintsTheRequest() {
        InputStream oldIn = System.in;
        System.setIn(new ByteArrayInputStream("!debug\n!api http://h.test/v1\n!user\nHi\n".getBytes(StandardCharsets.UTF_8)));
        try {
            CliTest.Result r = CliTest.hearth("illume");
            assertThat(r.code()).isZero();
            assertThat(r.out()).isEqualTo("\n\nPOST http://h.test/v1/chat/completions HTTP/1.1\ncontent-type: application/json\n\n"
                    + "{\"max_tokens\":2000,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"stream\":true}\n\n"
                    .replace("{\"max_tokens\"", "{\"cache_prompt\":true,\"max_tokens\"")
                    .replace(",\"stream\"", ",\"stop\":[\"<|im_end|>\"],\"stream\""));
        } finally {
            System.setIn(oldIn);
        }
    }

    @Test
    void errorsAreIllumesErrorsWithExitOne() {
        InputStream oldIn = System.in;
        System.setIn(new ByteArrayInputStream("!profile nowhere-to-be-found\n".getBytes(StandardCharsets.UTF_8)));
        try {
            CliTest.Result r = CliTest.hearth("illume");
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.out()).isEqualTo("\n\n!error\n\n<stdin>:1: open nowhere-to-be-found: no such file or directory\n");
        } finally {
            System.setIn(oldIn);
        }
    }
}
