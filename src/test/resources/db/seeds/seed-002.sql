-- =============================================================================
-- seed-002.sql: a database shaped like seed 002's app (LotAstro WMS: lots,
-- reservations, stock-take OCR, e-mail via Resend, a public API). Run once,
-- as the postgres superuser, on a fresh EMPTY PostgreSQL 15 database, as one
-- multi-statement script. No extensions; deterministic data relative to now().
--
-- Queries of seed 002 this serves (verbatim unless noted):
--   1. Database connection failures: long-running queries and "kill idle
--      connections" (pg_stat_activity: system views, no table needed).
--   2. Authentication failures: login_attempts in the last hour by email
--      -> mallory@example.com 40 (burst), ada@example.com 3; older rows
--      (mallory 3 h ago, user@example.com 90 min ago, grace 2 days ago) are
--      outside the window. "DELETE FROM login_attempts WHERE email =
--      'user@example.com'" deletes the 2 rows of user@example.com.
--      auth_logs is Supabase's internal auth log (log explorer), not a table
--      of the app: NOT created here.
--   4. Email delivery failures: email_log WHERE status = 'failed' -> 12 rows
--      (retry_count 3..5, next_retry_at NULL); 40 sent, 3 pending. The retry
--      UPDATE ... WHERE id = '[email-id]' needs a real uuid in place of the
--      placeholder.
--   5. Stock take OCR: count_rolls WHERE ocr_status IS NOT NULL GROUP BY status
--      -> manual_required 8 (ocr_status 'failed'), pending_review 10
--      (5 'pending' + 5 'done'), approved 15 ('done'); 6 rows with NULL
--      ocr_status (typed in by hand) are excluded.
--   6. Reservation conflicts: the integrity check finds exactly 2 in_stock
--      lots (L-0003: 35 reserved vs 20 in lines; L-0006: 0 reserved vs a
--      10 m orphaned line); shipped lot L-0009 also mismatches but is not
--      in_stock. The orphan check finds exactly 1 reservation_line (its
--      reservation was deleted: there is deliberately NO foreign key on
--      reservation_lines.reservation_id). The fix UPDATE runs.
--   7. Performance: pg_stat_statements is NOT installed (that query fails, as
--      expected); ANALYZE lots / rolls / orders and VACUUM ANALYZE lots run;
--      the bloat check finds stale_rows with 10000 dead tuples (autovacuum is
--      off for that table so they stay until someone vacuums it).
--   8. Data corruption: audit_logs of the last 24 hours -> 48 rows
--      (this app's audit_logs has "action", not seed 001's "action_type").
--  10. API rate limiting: api_request_logs in the last minute by key
--      -> erp-connector 150 (limit 60/min: the newest 90 got 429), shopify-sync
--      5; rows are 0 to 30 s old, so the counts hold for 30 s after seeding.
--      The UPDATE api_keys statements need a real uuid for '[api-key-id]'.
--   Useful queries: table sizes, active connections, ungranted locks (none in
--      a quiet database), orders of the last 24 h by status (pending 5,
--      confirmed 8, shipped 12, cancelled 2), audit actions of the last 24 h.
--
-- Dead tuples are reported to pg_stat_user_tables when the seeding session
-- flushes its statistics (it goes idle or ends); pg_stat_force_next_flush()
-- at the end asks for that at the first opportunity.
-- =============================================================================

CREATE TABLE public.email_log (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    recipient      text NOT NULL,
    subject        text NOT NULL,
    template       text,
    status         text NOT NULL DEFAULT 'pending',
    error_message  text,
    retry_count    int NOT NULL DEFAULT 0,
    next_retry_at  timestamptz,
    resend_id      text,
    sent_at        timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX email_log_status_idx ON public.email_log (status, next_retry_at);

-- 12 failed, retries exhausted (retry_count 3..5, no next retry)
INSERT INTO public.email_log (recipient, subject, template, status, error_message, retry_count, next_retry_at, created_at)
SELECT 'buyer' || g || '@textile-buyer.example',
       CASE WHEN g % 2 = 0 THEN 'Reservation confirmed' ELSE 'Daily stock digest' END,
       CASE WHEN g % 2 = 0 THEN 'reservation-confirmation' ELSE 'daily-digest' END,
       'failed',
       CASE WHEN g % 3 = 0 THEN 'Resend API 429: Too many requests'
            ELSE 'Resend API 403: The lotastro.com domain is not verified' END,
       3 + g % 3,
       NULL,
       now() - g * interval '7 minutes'
FROM generate_series(1, 12) AS g;

-- 40 sent
INSERT INTO public.email_log (recipient, subject, template, status, retry_count, resend_id, sent_at, created_at)
SELECT 'buyer' || (g % 15) || '@textile-buyer.example', 'Reservation confirmed', 'reservation-confirmation',
       'sent', 0, 're_' || md5('sent-' || g), now() - g * interval '30 minutes' + interval '5 seconds',
       now() - g * interval '30 minutes'
FROM generate_series(1, 40) AS g;

-- 3 pending, waiting for their next retry
INSERT INTO public.email_log (recipient, subject, template, status, error_message, retry_count, next_retry_at, created_at)
SELECT 'warehouse' || g || '@lotastro.example', 'Stock take session closed', 'stocktake-closed',
       'pending', 'Resend API 500: Internal server error', 1, now() + g * interval '5 minutes',
       now() - g * interval '4 minutes'
FROM generate_series(1, 3) AS g;

CREATE TABLE public.login_attempts (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email         text NOT NULL,
    ip_address    inet,
    success       boolean NOT NULL DEFAULT false,
    user_agent    text,
    attempted_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX login_attempts_email_idx ON public.login_attempts (email, attempted_at DESC);

-- burst: 40 failed attempts for mallory in the last 40 minutes
INSERT INTO public.login_attempts (email, ip_address, success, user_agent, attempted_at)
SELECT 'mallory@example.com', ('203.0.113.' || (g % 4 + 10))::inet, false, 'python-requests/2.31',
       now() - g * interval '1 minute'
FROM generate_series(1, 40) AS g;

-- a legitimate user: 3 in the last hour
INSERT INTO public.login_attempts (email, ip_address, success, user_agent, attempted_at) VALUES
    ('ada@example.com', '198.51.100.7', false, 'Mozilla/5.0', now() - interval '20 minutes'),
    ('ada@example.com', '198.51.100.7', false, 'Mozilla/5.0', now() - interval '12 minutes'),
    ('ada@example.com', '198.51.100.7', true,  'Mozilla/5.0', now() - interval '5 minutes');

-- older: outside the one hour window
INSERT INTO public.login_attempts (email, ip_address, success, user_agent, attempted_at)
SELECT 'mallory@example.com', '203.0.113.10', false, 'python-requests/2.31',
       now() - interval '3 hours' - g * interval '1 minute'
FROM generate_series(1, 10) AS g;

INSERT INTO public.login_attempts (email, ip_address, success, user_agent, attempted_at) VALUES
    ('user@example.com',  '198.51.100.20', false, 'Mozilla/5.0', now() - interval '90 minutes'),
    ('user@example.com',  '198.51.100.20', false, 'Mozilla/5.0', now() - interval '95 minutes'),
    ('grace@example.com', '198.51.100.30', false, 'Mozilla/5.0', now() - interval '2 days'),
    ('grace@example.com', '198.51.100.30', true,  'Mozilla/5.0', now() - interval '2 days' + interval '1 minute');

CREATE TABLE public.count_rolls (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    session_id      uuid NOT NULL,
    roll_label      text NOT NULL,
    photo_path      text,
    counted_meters  numeric(10, 2),
    status          text NOT NULL DEFAULT 'pending_review',
    ocr_status      text,
    ocr_confidence  numeric(4, 3),
    ocr_error       text,
    ocr_attempts    int NOT NULL DEFAULT 0,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);

-- 8 OCR failures: the roll falls back to manual entry
INSERT INTO public.count_rolls (session_id, roll_label, photo_path, status, ocr_status, ocr_error, ocr_attempts, created_at, updated_at)
SELECT md5('count-session-2')::uuid, 'R-F' || lpad(g::text, 3, '0'),
       'stock-take/session-2/roll-f' || g || '.jpg',
       'manual_required', 'failed',
       CASE WHEN g % 2 = 0 THEN 'Vision API 429: quota exceeded' ELSE 'Label unreadable: image too blurry' END,
       3, now() - interval '1 hour' - g * interval '2 minutes', now() - g * interval '4 minutes'
FROM generate_series(1, 8) AS g;

-- 5 waiting for OCR
INSERT INTO public.count_rolls (session_id, roll_label, photo_path, status, ocr_status, ocr_attempts, created_at, updated_at)
SELECT md5('count-session-2')::uuid, 'R-P' || lpad(g::text, 3, '0'),
       'stock-take/session-2/roll-p' || g || '.jpg',
       'pending_review', 'pending', 1, now() - g * interval '3 minutes', now() - g * interval '3 minutes'
FROM generate_series(1, 5) AS g;

-- 20 read by OCR: 5 awaiting review, 15 approved
INSERT INTO public.count_rolls (session_id, roll_label, photo_path, counted_meters, status, ocr_status, ocr_confidence, ocr_attempts, created_at, updated_at)
SELECT md5('count-session-' || (g % 2 + 1))::uuid, 'R-D' || lpad(g::text, 3, '0'),
       'stock-take/session-' || (g % 2 + 1) || '/roll-d' || g || '.jpg',
       40 + g * 1.5,
       CASE WHEN g <= 5 THEN 'pending_review' ELSE 'approved' END,
       'done', 0.80 + (g % 20) * 0.0095, 1,
       now() - interval '2 hours' - g * interval '3 minutes', now() - interval '90 minutes' - g * interval '1 minute'
FROM generate_series(1, 20) AS g;

-- 6 typed in by hand, never sent to OCR
INSERT INTO public.count_rolls (session_id, roll_label, counted_meters, status, created_at, updated_at)
SELECT md5('count-session-1')::uuid, 'R-M' || lpad(g::text, 3, '0'), 55 + g, 'approved',
       now() - interval '1 day' - g * interval '5 minutes', now() - interval '1 day'
FROM generate_series(1, 6) AS g;

CREATE TABLE public.lots (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    lot_number       text NOT NULL UNIQUE,
    quality          text NOT NULL,
    color            text NOT NULL,
    meters           numeric(12, 2) NOT NULL,
    reserved_meters  numeric(12, 2) NOT NULL DEFAULT 0,
    status           text NOT NULL DEFAULT 'in_stock',
    warehouse_location text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);

INSERT INTO public.lots (lot_number, quality, color, meters, reserved_meters, status, warehouse_location, created_at) VALUES
    ('L-0001', 'Premium Cotton', 'Navy',   320.00, 75.00, 'in_stock', 'A-01', now() - interval '60 days'),
    ('L-0002', 'Premium Cotton', 'Ecru',   280.00, 30.00, 'in_stock', 'A-02', now() - interval '55 days'),
    ('L-0003', 'Linen Blend',    'Sage',   150.00, 35.00, 'in_stock', 'B-01', now() - interval '40 days'),
    ('L-0004', 'Linen Blend',    'Sand',   200.00, 40.00, 'in_stock', 'B-02', now() - interval '38 days'),
    ('L-0005', 'Denim 12oz',     'Indigo', 500.00,  0.00, 'in_stock', 'C-01', now() - interval '30 days'),
    ('L-0006', 'Denim 12oz',     'Black',  450.00,  0.00, 'in_stock', 'C-02', now() - interval '25 days'),
    ('L-0007', 'Viscose Twill',  'Rust',   120.00,  0.00, 'in_stock', 'D-01', now() - interval '20 days'),
    ('L-0008', 'Viscose Twill',  'Olive',  130.00,  0.00, 'in_stock', 'D-02', now() - interval '15 days'),
    ('L-0009', 'Premium Cotton', 'White',    0.00, 12.00, 'shipped',  NULL,   now() - interval '90 days'),
    ('L-0010', 'Linen Blend',    'Grey',    80.00,  0.00, 'quarantine', 'Q-01', now() - interval '10 days');

CREATE TABLE public.reservations (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    reservation_number  text NOT NULL UNIQUE,
    customer_name       text NOT NULL,
    status              text NOT NULL DEFAULT 'active',
    expires_at          timestamptz,
    created_at          timestamptz NOT NULL DEFAULT now()
);

INSERT INTO public.reservations (reservation_number, customer_name, status, expires_at, created_at) VALUES
    ('RES-1001', 'Atelier Nord',     'active',    now() + interval '5 days', now() - interval '2 days'),
    ('RES-1002', 'Mode Sud',         'active',    now() + interval '7 days', now() - interval '1 day'),
    ('RES-1003', 'Textil Ost',       'cancelled', now() - interval '1 day',  now() - interval '9 days'),
    ('RES-1004', 'Confecções Oeste', 'fulfilled', now() - interval '3 days', now() - interval '20 days');

-- reservation_id has NO foreign key: that is how orphaned lines happen
CREATE TABLE public.reservation_lines (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    reservation_id   uuid NOT NULL,
    lot_id           uuid NOT NULL REFERENCES public.lots (id),
    reserved_meters  numeric(12, 2) NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX reservation_lines_lot_idx ON public.reservation_lines (lot_id);
CREATE INDEX reservation_lines_reservation_idx ON public.reservation_lines (reservation_id);

-- L-0001 75 = 50 + 25, L-0002 30, L-0004 40: consistent.
-- L-0003 reserves 35 but its lines sum to 20: drift (mismatch 1).
INSERT INTO public.reservation_lines (reservation_id, lot_id, reserved_meters, created_at)
SELECT r.id, l.id, v.meters, r.created_at
FROM (VALUES
        ('RES-1001', 'L-0001', 50.00),
        ('RES-1001', 'L-0002', 30.00),
        ('RES-1001', 'L-0003', 20.00),
        ('RES-1002', 'L-0001', 25.00),
        ('RES-1002', 'L-0004', 40.00)
     ) AS v(reservation_number, lot_number, meters)
JOIN public.reservations r ON r.reservation_number = v.reservation_number
JOIN public.lots l ON l.lot_number = v.lot_number;

-- the orphan: its reservation (RES-0999) was deleted and L-0006 released,
-- but the line stayed (mismatch 2: L-0006 reserves 0, its lines sum to 10)
INSERT INTO public.reservation_lines (reservation_id, lot_id, reserved_meters, created_at)
SELECT md5('reservation-RES-0999')::uuid, l.id, 10.00, now() - interval '4 days'
FROM public.lots l WHERE l.lot_number = 'L-0006';

CREATE TABLE public.rolls (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    lot_id      uuid NOT NULL REFERENCES public.lots (id),
    roll_number text NOT NULL,
    meters      numeric(10, 2) NOT NULL,
    status      text NOT NULL DEFAULT 'in_stock',
    location    text,
    created_at  timestamptz NOT NULL DEFAULT now()
);

INSERT INTO public.rolls (lot_id, roll_number, meters, status, location, created_at)
SELECT l.id, l.lot_number || '-R' || g, round(l.meters / 4, 2),
       CASE WHEN l.status = 'shipped' THEN 'shipped' ELSE 'in_stock' END,
       l.warehouse_location, l.created_at
FROM public.lots l, generate_series(1, 4) AS g;

CREATE TABLE public.orders (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    order_number   text NOT NULL UNIQUE,
    customer_name  text NOT NULL,
    status         text NOT NULL DEFAULT 'pending',
    total_meters   numeric(12, 2) NOT NULL DEFAULT 0,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);

-- last 24 hours: pending 5, confirmed 8, shipped 12, cancelled 2 (g = 1..27)
INSERT INTO public.orders (order_number, customer_name, status, total_meters, created_at)
SELECT 'ORD-' || (5000 + g),
       (ARRAY['Atelier Nord', 'Mode Sud', 'Textil Ost', 'Confecções Oeste'])[g % 4 + 1],
       CASE WHEN g <= 5 THEN 'pending' WHEN g <= 13 THEN 'confirmed'
            WHEN g <= 25 THEN 'shipped' ELSE 'cancelled' END,
       25 + g * 3,
       now() - g * interval '50 minutes'
FROM generate_series(1, 27) AS g;

-- older orders
INSERT INTO public.orders (order_number, customer_name, status, total_meters, created_at)
SELECT 'ORD-' || (4000 + g), 'Atelier Nord', 'delivered', 40 + g, now() - interval '3 days' - g * interval '6 hours'
FROM generate_series(1, 30) AS g;

CREATE TABLE public.api_keys (
    id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name                   text NOT NULL UNIQUE,
    key_prefix             text NOT NULL,
    key_hash               text NOT NULL,
    rate_limit_per_minute  int NOT NULL DEFAULT 60,
    is_active              boolean NOT NULL DEFAULT true,
    last_used_at           timestamptz,
    created_at             timestamptz NOT NULL DEFAULT now()
);

INSERT INTO public.api_keys (name, key_prefix, key_hash, rate_limit_per_minute, is_active, last_used_at, created_at) VALUES
    ('erp-connector',    'lak_erp1', md5('erp-connector-secret'),    60, true,  now(), now() - interval '120 days'),
    ('shopify-sync',     'lak_shp1', md5('shopify-sync-secret'),     60, true,  now(), now() - interval '60 days'),
    ('legacy-reporting', 'lak_leg1', md5('legacy-reporting-secret'), 30, false, now() - interval '45 days', now() - interval '300 days');

CREATE TABLE public.api_request_logs (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    api_key_id        uuid REFERENCES public.api_keys (id),
    endpoint          text NOT NULL,
    method            text NOT NULL DEFAULT 'GET',
    status_code       int NOT NULL,
    response_time_ms  int,
    ip_address        inet,
    created_at        timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX api_request_logs_key_created_idx ON public.api_request_logs (api_key_id, created_at DESC);

-- erp-connector: 150 requests in the last 30 seconds; the first 60 passed,
-- the newest 90 were rate limited (429)
INSERT INTO public.api_request_logs (api_key_id, endpoint, method, status_code, response_time_ms, ip_address, created_at)
SELECT k.id,
       (ARRAY['/api/v1/lots', '/api/v1/reservations', '/api/v1/stock'])[g % 3 + 1],
       'GET',
       CASE WHEN g < 90 THEN 429 ELSE 200 END,
       CASE WHEN g < 90 THEN 3 ELSE 40 + g % 25 END,
       '192.0.2.44',
       now() - g * interval '200 milliseconds'
FROM generate_series(0, 149) AS g
JOIN public.api_keys k ON k.name = 'erp-connector';

-- shopify-sync: 5 requests in the last 25 seconds
INSERT INTO public.api_request_logs (api_key_id, endpoint, method, status_code, response_time_ms, ip_address, created_at)
SELECT k.id, '/api/v1/stock', 'GET', 200, 35 + g, '192.0.2.80', now() - g * interval '5 seconds'
FROM generate_series(1, 5) AS g
JOIN public.api_keys k ON k.name = 'shopify-sync';

-- older traffic (10 minutes to 2 hours ago)
INSERT INTO public.api_request_logs (api_key_id, endpoint, method, status_code, response_time_ms, ip_address, created_at)
SELECT k.id, '/api/v1/lots', 'GET', 200, 45, '192.0.2.44', now() - interval '10 minutes' - g * interval '1 minute'
FROM generate_series(1, 100) AS g
JOIN public.api_keys k ON k.name = (CASE WHEN g % 2 = 0 THEN 'erp-connector' ELSE 'shopify-sync' END);

CREATE TABLE public.audit_logs (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    action       text NOT NULL,
    entity_type  text NOT NULL,
    entity_id    uuid,
    user_id      uuid,
    user_email   text,
    old_data     jsonb,
    new_data     jsonb,
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX audit_logs_created_at_idx ON public.audit_logs (created_at DESC);

-- last 24 hours: 48 rows, one every 30 minutes
INSERT INTO public.audit_logs (action, entity_type, entity_id, user_id, user_email, new_data, created_at)
SELECT (ARRAY['CREATE', 'UPDATE', 'UPDATE', 'DELETE'])[g % 4 + 1],
       (ARRAY['reservation', 'lot', 'order'])[g % 3 + 1],
       md5('entity-' || g)::uuid,
       md5('user-' || (g % 5))::uuid,
       'operator' || (g % 5) || '@lotastro.example',
       jsonb_build_object('seq', g),
       now() - g * interval '30 minutes' + interval '10 minutes'
FROM generate_series(1, 48) AS g;

-- older
INSERT INTO public.audit_logs (action, entity_type, entity_id, user_id, user_email, created_at)
SELECT 'UPDATE', 'lot', md5('old-entity-' || g)::uuid, md5('user-1')::uuid, 'operator1@lotastro.example',
       now() - interval '2 days' - g * interval '1 hour'
FROM generate_series(1, 20) AS g;

-- a bloated table: 20000 rows, half deleted at the end (10000 dead tuples);
-- autovacuum is off for it so the dead tuples stay for the bloat check
CREATE TABLE public.stale_rows (
    id    int PRIMARY KEY,
    note  text
) WITH (autovacuum_enabled = false);

INSERT INTO public.stale_rows (id, note)
SELECT g, 'stock movement ' || g
FROM generate_series(1, 20000) AS g;

DELETE FROM public.stale_rows WHERE id % 2 = 0;

SELECT pg_stat_force_next_flush();
