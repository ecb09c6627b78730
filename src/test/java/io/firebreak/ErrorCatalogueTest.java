package io.firebreak;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/** Every error code the code can answer is in the README's catalogue, so a caller can look any of them up. */
class ErrorCatalogueTest {

    /** Where codes are made: refusals, bad input, unavailability, the gate's and the dispatcher's own answers. */
    static final Pattern CODE = Pattern.compile("(?:FunctionError\\(\\s*\\d+\\s*,|badInput\\(|unavailable\\(|"
            + "ErrorBody\\.send\\(ctx,\\s*(?:\\d+|status),|ErrorJson\\.of\\(\\s*\\d+,)\\s*\"([a-z_]+)\"");

    @Test
    void theReadmeListsEveryCodeTheCodeCanAnswer() throws IOException {
        Set<String> codes = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = CODE.matcher(Files.readString(f));
                while (m.find()) {
                    codes.add(m.group(1));
                }
            }
        }
        // DatabaseUnavailable names the database in its code.
        codes.addAll(List.of("ops_unavailable", "target_unavailable"));
        String errors = Files.readString(Path.of("README.md"));
        errors = errors.substring(errors.indexOf("## Errors"), errors.indexOf("## Configuration"));
        Set<String> missing = new TreeSet<>();
        for (String code : codes) {
            if (!errors.contains("`" + code + "`")) {
                missing.add(code);
            }
        }
        assertTrue(codes.size() > 50, "the scan found the codes (" + codes.size() + ")");
        assertTrue(missing.isEmpty(), "README's error catalogue lacks " + missing);
    }
}
