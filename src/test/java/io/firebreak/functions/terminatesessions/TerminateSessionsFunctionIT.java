package io.firebreak.functions.terminatesessions;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The same tests against the packaged application. */
@QuarkusIntegrationTest
class TerminateSessionsFunctionIT extends TerminateSessionsFunctionTest {
}
