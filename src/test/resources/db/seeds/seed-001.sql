-- =============================================================================
-- seed-001.sql: a database shaped like seed 001's app (ACE Engage: SMS
-- campaigns on Supabase). Run once, as the postgres superuser, on a fresh
-- EMPTY PostgreSQL 15 database, as one multi-statement script. No extensions;
-- all data is deterministic and relative to now().
--
-- Queries of seed 001 this serves (all run verbatim):
--   * Phase 2 "Error Logs" and runbook "High Error Rate" (top errors):
--       SELECT error_type, error_message, COUNT(*) FROM error_logs
--       WHERE occurred_at > NOW() - INTERVAL '1 hour' GROUP BY ... ORDER BY count DESC
--     -> 3 rows in the last hour: 30 / 20 / 10 (60 errors); 15 older rows
--        (2-5 hours ago) must NOT be counted.
--   * Phase 2 "Database Health" (pg_stat_activity)      -> system view, 1 row.
--   * Phase 3 "Disable Feature":
--       UPDATE campaigns SET status = 'paused' WHERE id = 'PROBLEMATIC_CAMPAIGN';
--     campaigns.id is a uuid, so the placeholder literal itself does not
--     parse as a uuid; with a real id from campaigns it updates 1 row.
--   * Runbook "SMS Delivery Failures":
--       SELECT phone_number, error_message, COUNT(*) FROM sms_delivery_log
--       WHERE delivery_status = 'failed' AND created_at > NOW() - INTERVAL '1 hour' ...
--     -> 2 rows: +15555550101 x 9 (30003 unreachable), +15555550102 x 4
--        (21211 invalid number); 120 delivered rows and 5 older failures.
--   * "Check database size": SELECT pg_size_pretty(pg_database_size(current_database()));
--   * Error rate (firebreak top-errors / resolve-incident):
--       errors / (audit_logs + errors) over the last hour = 60 / (300 + 60) = 16.7 %.
--   * Seed 000 Step 1 (confirm-outage), which runs on this shape too:
--       SELECT COUNT(*) FROM public.tenants;                       -> 3
--       SELECT action_type, COUNT(*) FROM public.audit_logs
--       WHERE created_at > now() - interval '10 minutes' GROUP BY action_type;
--     -> 60 rows in the last 10 minutes (4 action types x 15); a 24 h
--        baseline of 288 older rows (one every 5 minutes).
--
-- Time windows: every "last hour" row is at most 50 minutes old, so the
-- counts hold for 10 minutes after seeding; the 10-minute audit window holds
-- exactly 60 rows for 5 minutes after seeding.
-- =============================================================================

CREATE TABLE public.tenants (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name        text NOT NULL,
    slug        text NOT NULL UNIQUE,
    plan        text NOT NULL DEFAULT 'growth',
    created_at  timestamptz NOT NULL DEFAULT now()
);

INSERT INTO public.tenants (name, slug, plan, created_at) VALUES
    ('Acme Dealers',       'acme-dealers',       'growth',     now() - interval '400 days'),
    ('Blue Ridge Motors',  'blue-ridge-motors',  'enterprise', now() - interval '250 days'),
    ('Coastal Auto Group', 'coastal-auto-group', 'starter',    now() - interval '30 days');

CREATE TABLE public.campaigns (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id     uuid NOT NULL REFERENCES public.tenants (id),
    name          text NOT NULL,
    status        text NOT NULL DEFAULT 'draft',
    channel       text NOT NULL DEFAULT 'sms',
    scheduled_at  timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);

INSERT INTO public.campaigns (tenant_id, name, status, scheduled_at, created_at)
SELECT t.id, c.name, c.status, now() - c.age, now() - c.age - interval '2 days'
FROM (VALUES
        ('acme-dealers',       'Spring Service Reminder', 'active',    interval '2 hours'),
        ('acme-dealers',       'Trade-in Offer',          'paused',    interval '5 days'),
        ('blue-ridge-motors',  'Holiday Promo',           'active',    interval '90 minutes'),
        ('coastal-auto-group', 'Welcome Series',          'completed', interval '20 days')
     ) AS c(tenant_slug, name, status, age)
JOIN public.tenants t ON t.slug = c.tenant_slug;

CREATE TABLE public.sms_delivery_log (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id        uuid REFERENCES public.tenants (id),
    campaign_id      uuid REFERENCES public.campaigns (id),
    phone_number     text NOT NULL,
    message_sid      text,
    delivery_status  text NOT NULL DEFAULT 'queued',
    error_code       text,
    error_message    text,
    created_at       timestamptz NOT NULL DEFAULT now()
);

-- 120 delivered in the last hour (one every 25 s, up to 50 minutes old)
INSERT INTO public.sms_delivery_log (tenant_id, campaign_id, phone_number, message_sid, delivery_status, created_at)
SELECT c.tenant_id, c.id,
       '+1555556' || lpad((1000 + g)::text, 4, '0'),
       'SM' || md5('delivered-' || g),
       'delivered',
       now() - g * interval '25 seconds'
FROM generate_series(1, 120) AS g
JOIN public.campaigns c ON c.name = 'Spring Service Reminder';

-- 9 failures for one handset and 4 for a malformed number in the last hour
INSERT INTO public.sms_delivery_log (tenant_id, campaign_id, phone_number, message_sid, delivery_status, error_code, error_message, created_at)
SELECT c.tenant_id, c.id, '+15555550101', 'SM' || md5('f1-' || g), 'failed', '30003',
       'Twilio 30003: Unreachable destination handset',
       now() - g * interval '5 minutes'
FROM generate_series(1, 9) AS g
JOIN public.campaigns c ON c.name = 'Spring Service Reminder';

INSERT INTO public.sms_delivery_log (tenant_id, campaign_id, phone_number, message_sid, delivery_status, error_code, error_message, created_at)
SELECT c.tenant_id, c.id, '+15555550102', 'SM' || md5('f2-' || g), 'failed', '21211',
       'Twilio 21211: Invalid ''To'' phone number',
       now() - g * interval '8 minutes'
FROM generate_series(1, 4) AS g
JOIN public.campaigns c ON c.name = 'Holiday Promo';

-- 5 older failures (3 hours ago): outside the 1 hour window
INSERT INTO public.sms_delivery_log (tenant_id, campaign_id, phone_number, message_sid, delivery_status, error_code, error_message, created_at)
SELECT c.tenant_id, c.id, '+15555550199', 'SM' || md5('old-' || g), 'failed', '30007',
       'Twilio 30007: Message filtered as spam',
       now() - interval '3 hours' - g * interval '1 minute'
FROM generate_series(1, 5) AS g
JOIN public.campaigns c ON c.name = 'Trade-in Offer';

CREATE TABLE public.error_logs (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id      uuid REFERENCES public.tenants (id),
    user_id        uuid,
    error_type     text NOT NULL,
    error_message  text NOT NULL,
    severity       text NOT NULL DEFAULT 'error',
    function_name  text,
    stack_trace    text,
    context        jsonb NOT NULL DEFAULT '{}'::jsonb,
    occurred_at    timestamptz NOT NULL DEFAULT now(),
    created_at     timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX error_logs_occurred_at_idx ON public.error_logs (occurred_at DESC);

-- last hour: 30 / 20 / 10
INSERT INTO public.error_logs (tenant_id, error_type, error_message, severity, function_name, context, occurred_at)
SELECT t.id, 'EdgeFunctionTimeout', 'send-campaign-sms timed out after 60000ms', 'error',
       'send-campaign-sms', jsonb_build_object('attempt', g % 3 + 1), now() - g * interval '1 minute'
FROM generate_series(1, 30) AS g
JOIN public.tenants t ON t.slug = 'acme-dealers';

INSERT INTO public.error_logs (tenant_id, error_type, error_message, severity, function_name, context, occurred_at)
SELECT t.id, 'TwilioApiError', 'Twilio 30003: Unreachable destination handset', 'error',
       'send-campaign-sms', jsonb_build_object('to', '+15555550101'), now() - g * interval '90 seconds'
FROM generate_series(1, 20) AS g
JOIN public.tenants t ON t.slug = 'acme-dealers';

INSERT INTO public.error_logs (tenant_id, error_type, error_message, severity, function_name, occurred_at)
SELECT t.id, 'DatabaseError', 'duplicate key value violates unique constraint "contacts_tenant_phone_key"',
       'warning', 'import-contacts', now() - g * interval '3 minutes'
FROM generate_series(1, 10) AS g
JOIN public.tenants t ON t.slug = 'blue-ridge-motors';

-- older than one hour: 8 + 7, must not be counted
INSERT INTO public.error_logs (error_type, error_message, severity, function_name, occurred_at)
SELECT 'ValidationError', 'Invalid phone number format', 'warning', 'import-contacts',
       now() - interval '2 hours' - g * interval '10 minutes'
FROM generate_series(1, 8) AS g;

INSERT INTO public.error_logs (error_type, error_message, severity, function_name, occurred_at)
SELECT 'EdgeFunctionTimeout', 'send-campaign-sms timed out after 60000ms', 'error', 'send-campaign-sms',
       now() - interval '4 hours' - g * interval '5 minutes'
FROM generate_series(1, 7) AS g;

CREATE TABLE public.audit_logs (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id    uuid REFERENCES public.tenants (id),
    user_id      uuid,
    action_type  text NOT NULL,
    entity_type  text NOT NULL,
    entity_id    uuid,
    metadata     jsonb NOT NULL DEFAULT '{}'::jsonb,
    ip_address   inet,
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX audit_logs_created_at_idx ON public.audit_logs (created_at DESC);

-- last hour: 300 requests (at most 50 minutes old): the newest 60 one every 5 s
-- (5 s .. 5 min old, 15 per action type: below confirm-outage's 20-event
-- spike floor), the other 240 one every 10 s from 10 to 50 minutes old
INSERT INTO public.audit_logs (tenant_id, user_id, action_type, entity_type, ip_address, created_at)
SELECT t.id,
       md5('user-' || (g % 7))::uuid,
       (ARRAY['campaign.sent', 'contact.created', 'message.queued', 'user.login'])[g % 4 + 1],
       (ARRAY['campaign', 'contact', 'message', 'user'])[g % 4 + 1],
       ('10.0.0.' || (g % 7 + 10))::inet,
       CASE WHEN g <= 60 THEN now() - g * interval '5 seconds'
            ELSE now() - interval '10 minutes' - (g - 60) * interval '10 seconds' END
FROM generate_series(1, 300) AS g
JOIN public.tenants t ON t.slug = (ARRAY['acme-dealers', 'blue-ridge-motors', 'coastal-auto-group'])[g % 3 + 1];

-- baseline: the 24 hours before that, one row every 5 minutes
INSERT INTO public.audit_logs (tenant_id, user_id, action_type, entity_type, created_at)
SELECT t.id,
       md5('user-' || (g % 7))::uuid,
       (ARRAY['campaign.sent', 'contact.created', 'message.queued', 'user.login'])[g % 4 + 1],
       (ARRAY['campaign', 'contact', 'message', 'user'])[g % 4 + 1],
       now() - interval '1 hour' - g * interval '5 minutes'
FROM generate_series(1, 288) AS g
JOIN public.tenants t ON t.slug = (ARRAY['acme-dealers', 'blue-ridge-motors', 'coastal-auto-group'])[g % 3 + 1];
