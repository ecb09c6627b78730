package io.firebreak.functions.statuspage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * The static copy of the page that outlives firebreak: every file of a rendering written to a
 * directory (the HTTP service; put a web server or CDN in front) and/or an S3 bucket (the Lambda
 * deployment, CloudFront in front), after each change and every minute. A rendering that could not
 * be made (the ops database down) writes nothing, so the last good copy stays up.
 */
@ApplicationScoped
class StatusExport {

    @ConfigProperty(name = "firebreak.status.export-dir")
    Optional<String> dir;

    @ConfigProperty(name = "firebreak.status.export-bucket")
    Optional<String> bucket;

    @ConfigProperty(name = "firebreak.status.export-prefix")
    Optional<String> prefix;

    @ConfigProperty(name = "firebreak.status.s3-endpoint")
    Optional<URI> endpoint;

    @ConfigProperty(name = "firebreak.status.s3-region", defaultValue = "us-east-1")
    String region;

    @ConfigProperty(name = "firebreak.status.max-age", defaultValue = "15s")
    java.time.Duration maxAge;

    private volatile S3Export s3;
    private java.time.Instant lastWritten;

    /** What one export wrote, and where. */
    @RegisterForReflection
    record Written(int files, List<String> targets, String indicator) {
    }

    boolean configured() {
        return dir.filter(d -> !d.isBlank()).isPresent() || bucket.filter(b -> !b.isBlank()).isPresent();
    }

    /** Writes a rendering (off the event loop: files and S3 block). */
    Uni<Written> write(Rendered r) {
        if (!configured()) {
            return Uni.createFrom().item(new Written(0, List.of(), r.view().indicator()));
        }
        return Uni.createFrom().item(() -> writeNow(r)).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    synchronized Written writeNow(Rendered r) {
        // Two runs may finish out of order (a slow minute's and a change's): the copy never goes back.
        if (lastWritten != null && r.at().isBefore(lastWritten)) {
            return new Written(0, List.of("skipped: a newer rendering is written already"), r.view().indicator());
        }
        lastWritten = r.at();
        List<String> targets = new ArrayList<>();
        if (dir.filter(d -> !d.isBlank()).isPresent()) {
            Path root = Path.of(dir.get());
            for (Rendered.File f : r.files().values()) {
                file(root, f);
            }
            targets.add("dir:" + root);
        }
        if (bucket.filter(b -> !b.isBlank()).isPresent()) {
            List<S3Export.File> files = new ArrayList<>();
            for (Rendered.File f : r.files().values()) {
                // The charset's spelling S3-compatible stores sign and store unchanged (S3Proxy 2.6 rewrites lower case).
                files.add(new S3Export.File(f.path().substring(1), f.body(),
                        f.contentType().replace("charset=utf-8", "charset=UTF-8"), cacheControl()));
            }
            s3().write(files);
            targets.add("s3://" + bucket.get() + "/" + prefix.orElse(""));
        }
        return new Written(r.files().size(), targets, r.view().indicator());
    }

    private String cacheControl() {
        return "public, max-age=" + maxAge.toSeconds() + ", stale-while-revalidate=30, stale-if-error=86400";
    }

    /** Written beside, then moved over: a reader never sees half a file. */
    private static void file(Path root, Rendered.File f) {
        Path target = root.resolve(f.path().substring(1)).normalize();
        if (!target.startsWith(root.normalize())) {
            throw new IllegalStateException("refusing to write outside the export directory: " + f.path());
        }
        try {
            Files.createDirectories(target.getParent());
            Path tmp = Files.createTempFile(target.getParent(), ".export-", ".tmp");
            Files.write(tmp, f.body());
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("status export to " + target + " failed", e);
        }
    }

    private S3Export s3() {
        if (s3 == null) {
            synchronized (this) {
                if (s3 == null) {
                    s3 = new S3Export(bucket.get(), prefix.orElse(""), endpoint, region);
                }
            }
        }
        return s3;
    }

    @PreDestroy
    void close() {
        if (s3 != null) {
            s3.close();
        }
    }

}
