package io.firebreak.http;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The same tests against the packaged application (the JVM jar here, the native binary on GitHub). */
@QuarkusIntegrationTest
class FunctionGateIT extends FunctionGateTest {
}
