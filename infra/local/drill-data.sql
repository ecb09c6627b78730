-- The drill's target: 200 tenants, four weeks of ordinary audit traffic, and an incident under way
-- (a burst of failed logins and permission errors across many tenants in the last 8 minutes).
-- Seeded, so every drill shows the same numbers: setseed(0.42).
SELECT setseed(0.42);

INSERT INTO public.tenants (name, created_at)
SELECT 'Tenant ' || lpad(g::text, 3, '0'), now() - interval '90 days'
FROM generate_series(1, 200) g;

INSERT INTO public.profiles (tenant_id, full_name, email, phone, role)
SELECT id, 'Admin of ' || name, 'admin+' || left(id::text, 8) || '@example.com',
       '2348' || lpad((row_number() OVER (ORDER BY name))::text, 9, '0'), 'admin'
FROM public.tenants;

-- About six events a minute for 28 days, one every ten seconds.
WITH t AS (SELECT array_agg(id ORDER BY name) AS ids FROM public.tenants)
INSERT INTO public.audit_logs (tenant_id, user_id, action_type, entity_type, created_at)
SELECT t.ids[1 + floor(s.r2 * 200)::int], gen_random_uuid(),
       CASE WHEN s.r < 0.20 THEN 'login'
            WHEN s.r < 0.55 THEN 'view_dashboard'
            WHEN s.r < 0.70 THEN 'create_order'
            WHEN s.r < 0.85 THEN 'update_order'
            WHEN s.r < 0.95 THEN 'sync_erp'
            WHEN s.r < 0.99 THEN 'export_report'
            ELSE 'login_failed' END,
       'session', s.ts
FROM t, (SELECT ts, random() AS r, random() AS r2
         FROM generate_series(now() - interval '28 days', now() - interval '10 minutes', interval '10 seconds') ts) s;

-- The incident: 900 failed logins and 300 permission errors from 150 tenants in 8 minutes.
WITH t AS (SELECT array_agg(id ORDER BY name) AS ids FROM public.tenants)
INSERT INTO public.audit_logs (tenant_id, user_id, action_type, entity_type, created_at)
SELECT t.ids[1 + (g % 150)], gen_random_uuid(),
       CASE WHEN g % 4 = 0 THEN 'permission_denied' ELSE 'login_failed' END, 'session',
       now() - make_interval(secs => 480 * random())
FROM t, generate_series(1, 1200) g;

ANALYZE public.audit_logs;

-- ERP: three integrations; Xero's is in a sync storm (dead letters now, a retry queue behind them).
INSERT INTO public.erp_integrations (tenant_id, name, erp_system, is_active)
SELECT id, v.name, v.erp, true FROM public.tenants t,
       (VALUES ('Xero (Lagos)', 'xero', 1), ('Sage (Abuja)', 'sage', 2), ('Odoo (Accra)', 'odoo', 3)) AS v (name, erp, n)
WHERE t.name = 'Tenant ' || lpad(v.n::text, 3, '0');

INSERT INTO public.erp_sync_logs (integration_id, tenant_id, entity_type, sync_status, created_at)
SELECT i.id, i.tenant_id, 'invoice', s.status, now() - make_interval(mins => s.minutes_ago)
FROM public.erp_integrations i
CROSS JOIN LATERAL (
    SELECT 'success' AS status, g * 7 AS minutes_ago FROM generate_series(1, 400) g
    UNION ALL SELECT 'dead_letter', 60 * 6 + g FROM generate_series(1, 3) g
    UNION ALL SELECT 'dead_letter', (random() * 9)::int FROM generate_series(1, 120) g WHERE i.erp_system = 'xero'
    UNION ALL SELECT 'retrying', (random() * 9)::int FROM generate_series(1, 2400) g WHERE i.erp_system = 'xero'
) s;
ANALYZE public.erp_sync_logs;

-- The app's own migrations as the Supabase CLI records them (recent-changes reads them; GitHub and Railway
-- are not configured in the drill, so they are skipped and say so): one dated 40 minutes ago, in the
-- 2 h before the incident, the kind of change "what changed?" is asked for.
CREATE SCHEMA IF NOT EXISTS supabase_migrations;
CREATE TABLE IF NOT EXISTS supabase_migrations.schema_migrations (version text PRIMARY KEY, name text, statements text[],
    created_by text, idempotency_key text);
INSERT INTO supabase_migrations.schema_migrations (version, name, statements, created_by) VALUES
    ('20250114093000', 'init', ARRAY['-- the reference schema'], 'cli'),
    (to_char(now() AT TIME ZONE 'UTC' - interval '9 days', 'YYYYMMDDHH24MISS'), 'erp_sync_indexes', ARRAY['CREATE INDEX ...'], 'cli'),
    (to_char(now() AT TIME ZONE 'UTC' - interval '40 minutes', 'YYYYMMDDHH24MISS'), 'tighten_tenant_rls_policies',
     ARRAY['ALTER POLICY ...'], 'cli');
