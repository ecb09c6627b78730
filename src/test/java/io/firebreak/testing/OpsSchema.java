package io.firebreak.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** The ops migrations as the repository has them, so tests follow the schema as it grows. */
public final class OpsSchema {

    private OpsSchema() {
    }

    /** Versions in order, e.g. ["1", "2", "3"]. */
    public static List<String> versions() {
        try (Stream<Path> files = Files.list(Path.of("src/main/resources/db/ops"))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.matches("V\\d+__.*\\.sql"))
                    .map(n -> n.substring(1, n.indexOf("__"))).sorted(Comparator.comparingInt(Integer::parseInt))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String latest() {
        List<String> v = versions();
        return v.get(v.size() - 1);
    }
}
