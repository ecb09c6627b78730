package io.firebreak.functions.notifytenant;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;

import io.firebreak.db.TargetCatalog;
import io.firebreak.db.TargetDb;

/** Who speaks for a tenant in an incident (seed 000 Step 3): its admins in the target's profiles. */
@ApplicationScoped
public class TenantAdmins {

    static final String TENANT = """
            SELECT id::text AS id, name FROM public.tenants WHERE id = '%s'""";

    static final String ADMINS = """
            SELECT id::text AS id, full_name, email, phone FROM public.profiles
            WHERE tenant_id = '%s' AND role = 'admin' ORDER BY full_name, id""";

    /** A tenant admin and how to reach them (either may be missing). */
    public record Admin(String id, String name, String email, String phone) {
    }

    @Inject
    TargetDb reads;

    @Inject
    TargetCatalog catalog;

    /** The contract's columns of both tables (profiles.full_name included), checked before they are read. */
    Uni<Void> contract() {
        return catalog.require("public.tenants", "id", "name")
                .flatMap(v -> catalog.require("public.profiles", "id", "tenant_id", "full_name", "email", "phone", "role"));
    }

    /** The tenant's name, or null when there is no such tenant. */
    public Uni<String> tenantName(UUID tenant) {
        return contract().flatMap(v -> reads.readOnly(TENANT.formatted(tenant))).map(rows -> {
            var it = rows.iterator();
            return it.hasNext() ? it.next().getString("name") : null;
        });
    }

    public Uni<List<Admin>> admins(UUID tenant) {
        return contract().flatMap(v -> reads.readOnly(ADMINS.formatted(tenant))).map(rows -> {
            List<Admin> out = new ArrayList<>();
            for (Row r : rows) {
                out.add(new Admin(r.getString("id"), r.getString("full_name"), r.getString("email"), r.getString("phone")));
            }
            return out;
        });
    }
}
