package io.firebreak.functions.statuspage;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/** Copies the public status page to S3 as static files, so it stays readable while firebreak itself is down. */
public final class S3Export implements AutoCloseable {

    /** One exported file: its path under the prefix, its bytes, and the headers S3 serves it with. */
    public record File(String path, byte[] body, String contentType, String cacheControl) {
        public File {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(body, "body");
            Objects.requireNonNull(contentType, "contentType");
            Objects.requireNonNull(cacheControl, "cacheControl");
            // S3 would accept "/index.html" as a distinct key with an empty first segment; that file
            // would never be served at the URL the page links to.
            if (path.isEmpty() || path.startsWith("/")) {
                throw new IllegalArgumentException("path must be relative and non-empty: '" + path + "'");
            }
        }
    }

    /** A PutObject that failed; the message names the bucket and key, never the credentials. */
    public static final class WriteFailed extends RuntimeException {
        private final String key;

        WriteFailed(String key, String message, Throwable cause) {
            super(message, cause);
            this.key = key;
        }

        public String key() {
            return key;
        }
    }

    // An export runs while something may already be failing; a stalled S3 must cost seconds, not the
    // Lambda's whole timeout. The call timeout also bounds the SDK's retries.
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration API_CALL_TIMEOUT = Duration.ofSeconds(10);

    private final String bucket;
    private final String prefix;
    private final S3Client s3;

    /**
     * Credentials from the default provider chain (on Lambda: the function's role). {@code endpoint}
     * is for tests and S3-compatible stores only; it switches to path-style access.
     */
    public S3Export(String bucket, String prefix, Optional<URI> endpoint, String region) {
        this(bucket, prefix, endpoint, region, DefaultCredentialsProvider.builder().build());
    }

    /** Tests pass fixed credentials here rather than through process-wide system properties. */
    S3Export(String bucket, String prefix, Optional<URI> endpoint, String region, AwsCredentialsProvider credentials) {
        this.bucket = Objects.requireNonNull(bucket, "bucket");
        this.prefix = Objects.requireNonNull(prefix, "prefix");
        // Keys are prefix + path: "status" would silently produce "statusindex.html".
        if (!prefix.isEmpty() && (!prefix.endsWith("/") || prefix.startsWith("/"))) {
            throw new IllegalArgumentException("prefix must be empty or like 'status/': '" + prefix + "'");
        }
        S3ClientBuilder builder = S3Client.builder()
                .region(Region.of(Objects.requireNonNull(region, "region")))
                .credentialsProvider(Objects.requireNonNull(credentials, "credentials"))
                // Named, not discovered: discovery would pick apache5-client (s3 brings it in at runtime
                // scope and the SDK ranks it first). URLConnection is the JDK's own client: no pool or
                // extra jars to start on a cold Lambda, nothing for native-image beyond the JDK.
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(CONNECT_TIMEOUT)
                        .socketTimeout(SOCKET_TIMEOUT))
                .overrideConfiguration(o -> o.apiCallTimeout(API_CALL_TIMEOUT));
        // S3-compatible stores and a local test server have no per-bucket DNS names, and many reject
        // the SDK's default flexible checksums (a trailing CRC32 in an aws-chunked body, checksum mode on
        // reads); AWS itself keeps them.
        endpoint.ifPresent(uri -> builder.endpointOverride(uri).forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED));
        this.s3 = builder.build();
    }

    /**
     * Puts each file in list order and stops at the first failure, so the caller's order decides what a
     * partial export leaves behind (e.g. the JSON before the HTML that reads it).
     *
     * @throws WriteFailed naming the key that failed
     */
    public void write(List<File> files) {
        for (File file : files) {
            String key = prefix + file.path();
            try {
                s3.putObject(put -> put
                                .bucket(bucket)
                                .key(key)
                                .contentType(file.contentType())
                                .cacheControl(file.cacheControl()),
                        RequestBody.fromBytes(file.body()));
            } catch (SdkException e) {
                throw new WriteFailed(key, "status export: PutObject s3://" + bucket + "/" + key + " failed: "
                        + describe(e), e);
            }
        }
    }

    // A service error is reported by its code and status only: what an S3-compatible store puts in
    // the free text varies, and a signature-mismatch reply can carry the canonical request, session
    // token included. Client-side failures (timeouts, no credentials) say nothing secret.
    private static String describe(SdkException e) {
        if (e instanceof AwsServiceException service && service.awsErrorDetails() != null) {
            return service.awsErrorDetails().errorCode() + " (HTTP " + service.statusCode() + ")";
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    @Override
    public void close() {
        // Also closes the HTTP client: the SDK owns clients it built from httpClientBuilder.
        s3.close();
    }
}
