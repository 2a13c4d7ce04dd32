package dev.modehop.probes.gdsuite;

import dev.modehop.probes.ProbeSuiteException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A file of the data tree, read whole: its lines decoded as strict UTF-8 (a bad byte is an error naming
 * {@code file:line}, never a replacement character in a prompt) and its SHA-256 for the manifest.
 */
record SourceFile(Path path, String relative, List<String> lines, String text, String sha256) {

    static SourceFile read(Path root, Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ProbeSuiteException(file + ": cannot read: " + e.getMessage(), e);
        }
        List<String> lines = new ArrayList<>();
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        int start = 0;
        int lineNo = 1;
        for (int i = 0; i <= bytes.length; i++) {
            if (i == bytes.length || bytes[i] == '\n') {
                int end = i > start && bytes[i - 1] == '\r' ? i - 1 : i;
                try {
                    lines.add(utf8.decode(ByteBuffer.wrap(bytes, start, end - start)).toString());
                } catch (CharacterCodingException e) {
                    throw new ProbeSuiteException(file + ":" + lineNo + ": not valid UTF-8");
                }
                start = i + 1;
                lineNo++;
            }
        }
        if (bytes.length > 0 && bytes[bytes.length - 1] == '\n') {
            lines.remove(lines.size() - 1);
        }
        return new SourceFile(file, root.relativize(file).toString().replace('\\', '/'), List.copyOf(lines),
                String.join("\n", lines), sha256(bytes));
    }

    ProbeSuiteException error(int line, String problem) {
        return new ProbeSuiteException(path + ":" + line + ": " + problem);
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
