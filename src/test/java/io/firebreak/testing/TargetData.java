package io.firebreak.testing;

/** Arranges rows in the target database the way the application would have written them. */
public final class TargetData {

    private final String url;

    public TargetData(String url) {
        this.url = url;
    }

    public void reset() {
        Sql.exec(url, "TRUNCATE public.audit_logs, public.profiles, public.erp_sync_logs, public.erp_integrations, "
                + "public.payment_transactions, public.tenants CASCADE");
    }

    /** A new ERP integration of the first tenant; returns its id. */
    public String integration(String name, boolean active) {
        return Sql.rows(url, "INSERT INTO public.erp_integrations (tenant_id, name, erp_system, is_active) "
                + "SELECT id, '" + name + "', 'xero', " + active + " FROM public.tenants ORDER BY id LIMIT 1 RETURNING id::text AS id")
                .get(0).get("id").toString();
    }

    /** {@code count} sync log rows of an integration in a status, created {@code minutesAgo}. */
    public void syncLogs(String integrationId, String status, int count, int minutesAgo) {
        Sql.exec(url, "INSERT INTO public.erp_sync_logs (integration_id, sync_status, created_at) "
                + "SELECT '" + integrationId + "', '" + status + "', now() - make_interval(mins => "
                + minutesAgo + ") FROM generate_series(1, " + count + ")");
    }

    /** A payment of the first tenant, created {@code minutesAgo}, amount in minor units. */
    public void payment(String reference, String provider, long amount, String currency, String status, int minutesAgo) {
        Sql.exec(url, "INSERT INTO public.payment_transactions (tenant_id, transaction_reference, provider, amount, "
                + "currency, status, created_at) SELECT id, '" + reference + "', '" + provider + "', " + amount + ", '"
                + currency + "', '" + status + "', now() - make_interval(mins => " + minutesAgo + ") "
                + "FROM public.tenants ORDER BY id LIMIT 1");
    }

    /** {@code count} pending Paystack payments REF-00001.., each {@code amount} kobo, created 2 hours ago. */
    public void stuckPayments(String prefix, int count, long amount) {
        Sql.exec(url, "INSERT INTO public.payment_transactions (tenant_id, transaction_reference, provider, amount, "
                + "currency, status, created_at) SELECT (SELECT id FROM public.tenants ORDER BY id LIMIT 1), '" + prefix
                + "' || lpad(g::text, 5, '0'), 'paystack', " + amount + ", 'NGN', 'pending', now() - interval '2 hours' "
                + "FROM generate_series(1, " + count + ") g");
    }

    /** A tenant admin of the first tenant; email or phone may be null. Returns the tenant id. */
    public String admin(String name, String email, String phone) {
        return Sql.rows(url, "INSERT INTO public.profiles (tenant_id, full_name, email, phone, role) "
                + "SELECT id, '" + name + "', " + (email == null ? "NULL" : "'" + email + "'") + ", "
                + (phone == null ? "NULL" : "'" + phone + "'") + ", 'admin' FROM public.tenants ORDER BY id LIMIT 1 "
                + "RETURNING tenant_id::text AS tenant").get(0).get("tenant").toString();
    }

    /** Supabase's auth.sessions, as much of it as sign-out touches, with sessions for every profile. */
    public void authSessions(int perUser) {
        Sql.exec(url, "CREATE SCHEMA IF NOT EXISTS auth; CREATE TABLE IF NOT EXISTS auth.sessions (id uuid PRIMARY KEY "
                + "DEFAULT gen_random_uuid(), user_id uuid NOT NULL, created_at timestamptz NOT NULL DEFAULT now()); "
                + "TRUNCATE auth.sessions; INSERT INTO auth.sessions (user_id) SELECT p.id FROM public.profiles p, "
                + "generate_series(1, " + perUser + ")");
    }

    public String status(String reference) {
        return Sql.rows(url, "SELECT status FROM public.payment_transactions WHERE transaction_reference = '"
                + reference + "'").get(0).get("status").toString();
    }

    public long count(String sql) {
        return Sql.count(url, sql);
    }

    public void tenants(int n) {
        Sql.exec(url, "INSERT INTO public.tenants (name) SELECT 'Tenant ' || g FROM generate_series(1, " + n + ") g");
    }

    /**
     * {@code count} events of one action type spread evenly between {@code fromMinutesAgo} and
     * {@code toMinutesAgo}, round-robin over the first {@code tenants} tenants.
     */
    public void audit(String actionType, int count, int tenants, double fromMinutesAgo, double toMinutesAgo) {
        double stepSeconds = count <= 1 ? 0 : (fromMinutesAgo - toMinutesAgo) * 60 / (count - 1);
        Sql.exec(url, """
                WITH t AS (SELECT array_agg(id ORDER BY id) AS ids
                           FROM (SELECT id FROM public.tenants ORDER BY id LIMIT %d) x)
                INSERT INTO public.audit_logs (tenant_id, action_type, created_at)
                SELECT t.ids[1 + (g %% array_length(t.ids, 1))], '%s',
                       now() - make_interval(secs => %f - g * %f)
                FROM t, generate_series(0, %d - 1) g""".formatted(tenants, actionType, toMinutesAgo * 60 + stepSeconds
                * (count - 1), stepSeconds, count));
    }
}
