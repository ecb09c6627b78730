package io.firebreak.lambda;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

/** target/lambda/function.zip, as the Lambda build's failsafe run finds it after package. */
final class FunctionZip {

    private FunctionZip() {
    }

    static Path path() {
        Path zip = Path.of(System.getProperty("firebreak.lambda.zip", "target/lambda/function.zip"));
        if (!Files.isRegularFile(zip)) {
            throw new IllegalStateException(zip + " is missing: run ./mvnw -B verify -Plambda (the ITs run after package)");
        }
        return zip;
    }

    /** The JVM zip (the runner jar's classes and lib/*.jar), not the native one (bootstrap). */
    static boolean jvm(List<String> names) {
        return names.stream().anyMatch(n -> n.startsWith("lib/") && n.endsWith(".jar"));
    }

    /** Every entry name of the central directory, in order, duplicates included (as `unzip -l` lists them). */
    static List<String> entryNames(Path zip) {
        try (ZipFile file = new ZipFile(zip.toFile())) {
            List<String> names = new ArrayList<>();
            for (ZipEntry e : Collections.list(file.entries())) {
                names.add(e.getName());
            }
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Extracts the zip into {@code dir} as Lambda unpacks a function's code into /var/task, entry by
     * entry in the order they were written (a stream of the local entries: ZipFile would look every
     * entry up by name, and so read one copy of a duplicate twice). Of an entry written twice the first
     * copy is kept (the strictest extraction: the one that turns a duplicate into a failed start), and
     * no entry may land outside {@code dir}.
     */
    static Path extract(Path zip, Path dir) {
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            Files.createDirectories(dir);
            Path root = dir.toRealPath();
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                Path target = root.resolve(e.getName()).normalize();
                if (!target.startsWith(root)) {
                    throw new IllegalStateException("zip entry outside the task root: " + e.getName());
                }
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                } else if (!Files.exists(target)) {
                    Files.createDirectories(target.getParent());
                    Files.copy(in, target);
                }
            }
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
