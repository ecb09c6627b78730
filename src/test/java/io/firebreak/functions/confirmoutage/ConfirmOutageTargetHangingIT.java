package io.firebreak.functions.confirmoutage;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The same tests against the packaged application (the JVM jar here, the native binary on GitHub). */
@QuarkusIntegrationTest
class ConfirmOutageTargetHangingIT extends ConfirmOutageTargetHangingTest {
}
