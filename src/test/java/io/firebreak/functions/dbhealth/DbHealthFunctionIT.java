package io.firebreak.functions.dbhealth;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The same tests against the packaged application. */
@QuarkusIntegrationTest
class DbHealthFunctionIT extends DbHealthFunctionTest {
}
