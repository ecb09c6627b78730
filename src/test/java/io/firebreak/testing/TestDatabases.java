package io.firebreak.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The databases of the running application, handed to tests by {@link PostgresDatabases} (also
 * under @QuarkusIntegrationTest, where CDI cannot inject into tests).
 *
 * @param target the target database, direct (not through any pooler): where tests arrange rows
 * @param ops the ops database, direct, as its owner: where tests read what firebreak recorded
 * @param opsRuntime the ops database as the role the service runs as (only the migrations' grants)
 * @param hanging the hanging target server, in the "hanging" mode
 * @param blackhole the proxy in front of the target, in the "blackhole" mode
 */
public record TestDatabases(String target, String ops, String opsRuntime, HangingServer hanging, BlackholeProxy blackhole) {

    /** Marks the test field that receives the databases. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.FIELD)
    public @interface Inject {
    }
}
