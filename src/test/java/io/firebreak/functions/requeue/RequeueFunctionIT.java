package io.firebreak.functions.requeue;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The same tests against the packaged application. */
@QuarkusIntegrationTest
class RequeueFunctionIT extends RequeueFunctionTest {
}
