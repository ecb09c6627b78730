package io.firebreak.testing;

/** Arranges rows in the target database the way the application would have written them. */
public final class TargetData {

    private final String url;

    public TargetData(String url) {
        this.url = url;
    }

    public void reset() {
        Sql.exec(url, "TRUNCATE public.audit_logs, public.profiles, public.tenants CASCADE");
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
