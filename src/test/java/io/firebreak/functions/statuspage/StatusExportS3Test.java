package io.firebreak.functions.statuspage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/** The status page's S3 export against S3Proxy, a real S3 API in this JVM, and against an endpoint that never answers. */
class StatusExportS3Test {

    private static final String IDENTITY = "firebreak-test";
    private static final String SECRET = "s3proxy-test-secret-0123456789";
    private static final String BUCKET = "status-page";
    private static final String REGION = "us-east-1";
    // No charset on these two: S3Proxy 2.6.0's Jetty header cache swaps the value of a common type with
    // a charset (text/html, text/plain, text/xml, application/json) for its own spelling, so "utf-8"
    // fails the signature check and "UTF-8" is stored as ";charset=utf-8" (gaul/s3proxy#837, fixed
    // after 2.6.0). Real S3 keeps either verbatim. The feed's type is not cached, and keeps its charset.
    private static final String HTML = "text/html";
    private static final String JSON = "application/json";

    private static final AwsCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create(IDENTITY, SECRET));

    private static BlobStoreContext blobStores;
    private static S3Proxy s3Proxy;
    private static URI endpoint;
    private static S3Client reader;

    @BeforeAll
    static void startS3Proxy() throws Exception {
        // "transient" keeps the objects in memory: nothing to clean up, nothing shared between runs.
        blobStores = ContextBuilder.newBuilder("transient")
                .credentials("unused", "unused")
                .build(BlobStoreContext.class);
        s3Proxy = S3Proxy.builder()
                .blobStore(blobStores.getBlobStore())
                // Port 0: Jetty picks a free one, so parallel builds never collide.
                .endpoint(URI.create("http://127.0.0.1:0"))
                // V4 only: the SDK signs with V4, and a proxy that also took V2 would not catch a V4 mistake.
                .awsAuthentication(AuthenticationType.AWS_V4, IDENTITY, SECRET)
                .build();
        s3Proxy.start();
        endpoint = URI.create("http://127.0.0.1:" + s3Proxy.getPort());
        reader = S3Client.builder()
                .region(Region.of(REGION))
                .credentialsProvider(CREDENTIALS)
                .endpointOverride(endpoint)
                .forcePathStyle(true)
                // As S3Export does for any endpoint override: S3Proxy answers checksum mode with 501.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build();
        reader.createBucket(b -> b.bucket(BUCKET));
    }

    @AfterAll
    static void stopS3Proxy() throws Exception {
        if (reader != null) {
            reader.close();
        }
        if (s3Proxy != null) {
            s3Proxy.stop();
        }
        if (blobStores != null) {
            blobStores.close();
        }
    }

    private static S3Export export(String bucket, String prefix, URI to) {
        return new S3Export(bucket, prefix, Optional.of(to), REGION, CREDENTIALS);
    }

    private static S3Export.File file(String path, String body, String contentType, String cacheControl) {
        return new S3Export.File(path, body.getBytes(StandardCharsets.UTF_8), contentType, cacheControl);
    }

    private static ResponseBytes<GetObjectResponse> read(String key) {
        return reader.getObjectAsBytes(g -> g.bucket(BUCKET).key(key));
    }

    /** The whole rendered site through StatusExport, as the Lambda's minute job writes it (credentials from the default chain). */
    @Test
    void theRenderedSiteLandsInTheBucketTypedAndCacheable() throws Exception {
        var api = new io.firebreak.incident.StatusComponents.Component("api", "API", "The API", "Platform",
                List.of("database"), List.of(), List.of());
        java.time.Instant now = java.time.Instant.now();
        var days = Uptime.days(api, now, StatusReads.DAYS, List.of(), List.of(), java.util.Map.of());
        var update = new StatusView.Update(1, "investigating", "We are investigating <errors>.", now,
                java.util.Map.of("api", "major_outage"));
        var incident = new StatusView.IncidentView("INC-2026-12-01-001", "Checkout errors", "investigating", "major", now,
                now, null, null, null, now.plusSeconds(1800), List.of(update), java.util.Map.of("api", "major_outage"));
        StatusView view = new StatusView(new io.firebreak.incident.StatusComponents.Page("Example", Optional.empty(), "UTC"),
                now, List.of(new StatusView.ComponentView(api, "major_outage", "incident", now, days, null)),
                List.of(incident), List.of());
        Rendered rendered = Rendered.of(view, new com.fasterxml.jackson.databind.ObjectMapper());
        StatusExport export = new StatusExport();
        export.dir = Optional.empty();
        export.bucket = Optional.of(BUCKET);
        export.prefix = Optional.of("site/");
        export.endpoint = Optional.of(endpoint);
        export.region = REGION;
        export.maxAge = java.time.Duration.ofSeconds(15);
        System.setProperty("aws.accessKeyId", IDENTITY);
        System.setProperty("aws.secretAccessKey", SECRET);
        try {
            StatusExport.Written written = export.writeNow(rendered);
            assertEquals(rendered.files().size(), written.files());
            assertEquals(List.of("s3://" + BUCKET + "/site/"), written.targets());
        } finally {
            export.close();
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
        }
        ResponseBytes<GetObjectResponse> index = read("site/index.html");
        assertTrue(index.response().contentType().startsWith("text/html"), index.response().contentType());
        assertTrue(index.asUtf8String().contains("We are investigating &lt;errors&gt;."), "escaped, and the update is there");
        assertTrue(index.response().cacheControl().contains("stale-if-error"));
        ResponseBytes<GetObjectResponse> summary = read("site/api/v2/summary.json");
        assertEquals("application/json", summary.response().contentType());
        assertTrue(summary.asUtf8String().contains("\"indicator\":\"critical\""), summary.asUtf8String());
        for (String key : List.of("site/incidents/INC-2026-12-01-001.html", "site/components/api.html", "site/history.atom",
                "site/history.rss", "site/badge.svg", "site/api/v2/scheduled-maintenances/upcoming.json")) {
            assertTrue(read(key).asByteArray().length > 0, key);
        }
    }

    @Test
    void writesEachFileWithItsHeaders() {
        List<S3Export.File> files = List.of(
                file("index.html", "<!doctype html><title>Status</title>", HTML, "public, max-age=60"),
                file("status.json", "{\"status\":\"operational\",\"note\":\"caf\u00e9\"}", JSON,
                        "public, max-age=30"),
                file("feed.atom", "<feed xmlns=\"http://www.w3.org/2005/Atom\"/>",
                        "application/atom+xml; charset=utf-8", "no-cache"));
        try (S3Export export = export(BUCKET, "status/", endpoint)) {
            export.write(files);
        }
        for (S3Export.File expected : files) {
            ResponseBytes<GetObjectResponse> actual = read("status/" + expected.path());
            assertArrayEquals(expected.body(), actual.asByteArray(), expected.path());
            assertEquals(expected.contentType(), actual.response().contentType(), expected.path());
            assertEquals(expected.cacheControl(), actual.response().cacheControl(), expected.path());
        }
    }

    @Test
    void anEmptyPrefixWritesAtTheBucketRoot() {
        try (S3Export export = export(BUCKET, "", endpoint)) {
            export.write(List.of(file("root.json", "{}", JSON, "no-cache")));
        }
        assertEquals("{}", read("root.json").asUtf8String());
    }

    @Test
    void overwritingKeepsTheNewest() {
        try (S3Export export = export(BUCKET, "status/", endpoint)) {
            export.write(List.of(file("incident.json", "{\"v\":1}", "text/plain", "public, max-age=60")));
            export.write(List.of(file("incident.json", "{\"v\":2}", JSON, "no-store")));
        }
        ResponseBytes<GetObjectResponse> actual = read("status/incident.json");
        assertEquals("{\"v\":2}", actual.asUtf8String());
        assertEquals(JSON, actual.response().contentType());
        assertEquals("no-store", actual.response().cacheControl());
    }

    @Test
    void aMissingBucketFailsNamingTheKey() {
        S3Export.WriteFailed failed;
        try (S3Export export = export("no-such-bucket", "status/", endpoint)) {
            failed = assertThrows(S3Export.WriteFailed.class,
                    () -> export.write(List.of(file("index.html", "<p>down</p>", HTML, "no-cache"))));
        }
        assertEquals("status/index.html", failed.key());
        assertTrue(failed.getMessage().contains("status/index.html"), failed.getMessage());
        assertTrue(failed.getMessage().contains("NoSuchBucket"), failed.getMessage());
        assertFalse(failed.getMessage().contains(SECRET), failed.getMessage());
    }

    @Test
    void aHungEndpointFailsWithinTheTimeouts() throws Exception {
        List<Socket> held = new CopyOnWriteArrayList<>();
        try (ServerSocket silent = new ServerSocket()) {
            silent.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            // Accepts every connection (the SDK retries) and never writes a byte back.
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept());
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            }, "silent-s3");
            acceptor.setDaemon(true);
            acceptor.start();

            URI hung = URI.create("http://127.0.0.1:" + silent.getLocalPort());
            S3Export.WriteFailed failed;
            try (S3Export export = export(BUCKET, "status/", hung)) {
                failed = assertThrows(S3Export.WriteFailed.class,
                        () -> export.write(List.of(file("index.html", "<p>down</p>", HTML, "no-cache"))));
            }
            assertEquals("status/index.html", failed.key());
            assertFalse(failed.getMessage().contains(SECRET), failed.getMessage());
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
        }
    }

    @Test
    void aPrefixWithoutItsSlashIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> export(BUCKET, "status", endpoint));
    }
}
