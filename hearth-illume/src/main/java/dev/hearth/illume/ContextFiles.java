package dev.hearth.illume;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code !context FILE} and {@code !context DIR SUFFIX…}, with Illume's exact output: each file as
 * {@code **`NAME`**}, then a fence, the file's bytes unchanged, the same fence, and a blank line.
 * The fence is one backtick longer than the longest backtick run that starts a line of the file
 * (at least three), so a fenced block inside the file cannot close it early. The fence is written
 * directly after the contents, so a file without a final newline gets the fence on its last line,
 * as in Illume.
 *
 * <p>A directory is walked like Go's {@code filepath.Walk}: lexical order, symbolic links not
 * followed, paths joined and cleaned as Go's {@code filepath.Join} does; a file is included when
 * its path ends with one of the suffixes; its name is its path with the directory argument cut
 * back to the last slash (so {@code src/lib} names files {@code lib/…} and {@code src/lib/} names
 * them {@code …}).
 */
final class ContextFiles {
    private final Path workingDirectory;

    ContextFiles(Path workingDirectory) {
        this.workingDirectory = workingDirectory;
    }

    String render(String directiveLine) throws IllumeException {
        List<String> fields = GoText.fields(directiveLine);
        if (fields.size() < 2) {
            throw new IllumeException("!context: wrong number of fields");
        }
        StringBuilder out = new StringBuilder();
        if (fields.size() == 2) {
            addFile(out, fields.get(1), fields.get(1));
            return out.toString();
        }
        String dir = fields.get(1);
        int cut = dir.length();
        while (cut > 0 && dir.charAt(cut - 1) != '/' && dir.charAt(cut - 1) != '\\') {
            cut--;
        }
        walk(out, dir, cut, fields.subList(2, fields.size()));
        return out.toString();
    }

    private void walk(StringBuilder out, String path, int cut, List<String> suffixes) throws IllumeException {
        Path resolved = resolve(path);
        if (!Files.exists(resolved, LinkOption.NOFOLLOW_LINKS)) {
            throw new IllumeException("lstat " + path + ": no such file or directory");
        }
        if (Files.isDirectory(resolved, LinkOption.NOFOLLOW_LINKS)) {
            List<String> names = new ArrayList<>();
            try (Stream<Path> children = Files.list(resolved)) {
                children.forEach(child -> names.add(child.getFileName().toString()));
            } catch (IOException e) {
                throw new IllumeException("open " + path + ": " + GoErrors.describe(e));
            }
            names.sort(GoJson::compareUtf8);
            for (String name : names) {
                walk(out, goJoin(path, name), cut, suffixes);
            }
            return;
        }
        for (String suffix : suffixes) {
            if (path.endsWith(suffix)) {
                addFile(out, path, path.substring(Math.min(cut, path.length())));
                break;
            }
        }
    }

    Path resolve(String path) {
        return workingDirectory.resolve(path);
    }

    private void addFile(StringBuilder out, String path, String name) throws IllumeException {
        String text;
        if (Files.isDirectory(resolve(path))) {
            throw new IllumeException("read " + path + ": is a directory");
        }
        try {
            text = GoUtf8.decode(Files.readAllBytes(resolve(path)));
        } catch (IOException e) {
            throw IllumeException.cannotOpen(path, e);
        }
        out.append("**`").append(name).append("`**\n");
        String fence = "`".repeat(longestLeadingBacktickRun(text) + 1);
        out.append(fence).append('\n').append(text).append(fence).append("\n\n");
    }

    /** At least 2, so the fence is at least three backticks. */
    static int longestLeadingBacktickRun(String text) {
        int max = 2;
        int lineStart = 0;
        while (lineStart < text.length()) {
            int n = 0;
            while (lineStart + n < text.length() && text.charAt(lineStart + n) == '`') {
                n++;
            }
            max = Math.max(max, n);
            int newline = text.indexOf('\n', lineStart);
            if (newline < 0) {
                break;
            }
            lineStart = newline + 1;
        }
        return max;
    }

    /** Go's {@code filepath.Join(dir, name)}: joined with a slash, then lexically cleaned. */
    static String goJoin(String dir, String name) {
        return goClean(dir.isEmpty() ? name : dir + "/" + name);
    }

    /** Go's {@code path.Clean}: collapse slashes, drop "." elements, resolve ".." lexically. */
    static String goClean(String path) {
        if (path.isEmpty()) {
            return ".";
        }
        boolean rooted = path.startsWith("/");
        List<String> parts = new ArrayList<>();
        for (String element : path.split("/")) {
            if (element.isEmpty() || element.equals(".")) {
                continue;
            }
            if (element.equals("..")) {
                if (!parts.isEmpty() && !parts.getLast().equals("..")) {
                    parts.removeLast();
                } else if (!rooted) {
                    parts.add("..");
                }
                continue;
            }
            parts.add(element);
        }
        String joined = String.join("/", parts);
        if (rooted) {
            return "/" + joined;
        }
        return joined.isEmpty() ? "." : joined;
    }
}
