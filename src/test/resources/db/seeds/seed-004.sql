-- =============================================================================
-- seed-004.sql: a database shaped like seed 004's app (Sentia Manufacturing
-- on Railway: orders from Shopify and Amazon, accounting sync to Xero). Run
-- once, as the postgres superuser, on a fresh EMPTY PostgreSQL 15 database, as
-- one multi-statement script. No extensions; deterministic data relative to
-- now().
--
-- Queries of seed 004 ("Useful Queries", "Connection Issues", "Database
-- Issues") this serves:
--   * SELECT 1 / SELECT count(*) FROM pg_stat_activity: system views.
--   * Long running queries (active for over 5 minutes) and the "Kill
--     long-running queries" pg_terminate_backend: system views; a quiet
--     database has none.
--   * Table sizes: orders (5000 rows, ~1.2 MB) > products (200 rows, long
--     descriptions, ~260 kB) > error_logs (41 rows, 2 indexes) >
--     xero_sync_jobs (60 rows). NOTE: the seed's query
--     selects "tablename" from pg_stat_user_tables, which has no such column
--     (it is "relname"; "tablename" is pg_tables'), so it fails verbatim on
--     any PostgreSQL; with relname in its place it lists these tables.
--   * Recent errors: SELECT * FROM error_logs WHERE created_at > now() -
--     interval '1 hour' ORDER BY created_at DESC LIMIT 50;   -> 31 rows:
--     XeroApiError 18, ShopifyWebhookError 9, DatabaseTimeout 4; 10 older
--     rows (5 hours ago) are outside the window.
--   * Error rate: 31 errors against the orders (one every 5 minutes: 12 in
--     the hour right after seeding) and xero_sync_jobs (one every 15
--     minutes: 3) of the last hour.
--
-- Time windows: every error_logs row of the last hour is at most 36 minutes
-- old, so those counts hold for 24 minutes after seeding.
-- =============================================================================

CREATE TABLE public.products (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    sku          text NOT NULL UNIQUE,
    name         text NOT NULL,
    description  text,
    unit_cost    numeric(12, 2) NOT NULL,
    price        numeric(12, 2) NOT NULL,
    stock_qty    int NOT NULL DEFAULT 0,
    created_at   timestamptz NOT NULL DEFAULT now()
);

INSERT INTO public.products (sku, name, description, unit_cost, price, stock_qty, created_at)
SELECT 'SNT-' || lpad(g::text, 4, '0'),
       (ARRAY['GABA Red', 'GABA Black', 'GABA Gold'])[g % 3 + 1] || ' ' || (ARRAY['500ml', '1L', '6 x 500ml', '12 x 1L'])[g % 4 + 1],
       repeat('Botanical non-alcoholic spirit, batch ' || g || '. ', 20),
       4.50 + (g % 10) * 0.75,
       12.00 + (g % 10) * 1.90,
       (g * 37) % 900,
       now() - interval '1 year' + g * interval '1 day'
FROM generate_series(1, 200) AS g;

CREATE TABLE public.orders (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    order_number  text NOT NULL UNIQUE,
    channel       text NOT NULL,
    customer_email text,
    status        text NOT NULL DEFAULT 'pending',
    currency      text NOT NULL DEFAULT 'GBP',
    total_amount  numeric(12, 2) NOT NULL,
    product_id    uuid REFERENCES public.products (id),
    quantity      int NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX orders_created_at_idx ON public.orders (created_at DESC);

-- 5000 orders, one every 5 minutes (12 in the last hour, ~17 days in all)
INSERT INTO public.orders (order_number, channel, customer_email, status, currency, total_amount, product_id, quantity, created_at, updated_at)
SELECT 'SO-' || lpad(g::text, 6, '0'),
       (ARRAY['shopify-uk', 'shopify-eu', 'shopify-us', 'amazon'])[g % 4 + 1],
       'customer' || (g % 1300) || '@example.com',
       CASE WHEN g <= 12 THEN 'pending' WHEN g % 50 = 0 THEN 'refunded' ELSE 'fulfilled' END,
       (ARRAY['GBP', 'EUR', 'USD', 'GBP'])[g % 4 + 1],
       round((19.99 * (g % 6 + 1))::numeric, 2),
       p.id,
       g % 6 + 1,
       now() - g * interval '5 minutes' + interval '2 minutes',
       now() - g * interval '5 minutes' + interval '2 minutes'
FROM generate_series(1, 5000) AS g
JOIN public.products p ON p.sku = 'SNT-' || lpad((g % 200 + 1)::text, 4, '0');

CREATE TABLE public.xero_sync_jobs (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    job_type      text NOT NULL,
    status        text NOT NULL DEFAULT 'queued',
    attempts      int NOT NULL DEFAULT 0,
    last_error    text,
    payload       jsonb NOT NULL DEFAULT '{}'::jsonb,
    started_at    timestamptz,
    finished_at   timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now()
);

-- one job every 15 minutes; the 3 newest failed on an expired token
INSERT INTO public.xero_sync_jobs (job_type, status, attempts, last_error, payload, started_at, finished_at, created_at)
SELECT (ARRAY['invoices', 'contacts', 'payments'])[g % 3 + 1],
       CASE WHEN g <= 3 THEN 'failed' ELSE 'completed' END,
       CASE WHEN g <= 3 THEN 3 ELSE 1 END,
       CASE WHEN g <= 3 THEN 'Xero API 401: AuthenticationUnsuccessful (token expired)' END,
       jsonb_build_object('batch', g),
       now() - g * interval '15 minutes',
       now() - g * interval '15 minutes' + interval '40 seconds',
       now() - g * interval '15 minutes'
FROM generate_series(1, 60) AS g;

CREATE TABLE public.error_logs (
    id          bigserial PRIMARY KEY,
    created_at  timestamptz NOT NULL DEFAULT now(),
    level       text NOT NULL DEFAULT 'error',
    error_type  text NOT NULL,
    message     text NOT NULL,
    service     text NOT NULL,
    stack       text,
    context     jsonb NOT NULL DEFAULT '{}'::jsonb,
    request_id  text
);

CREATE INDEX error_logs_created_at_idx ON public.error_logs (created_at DESC);

-- last hour: 18 / 9 / 4
INSERT INTO public.error_logs (created_at, level, error_type, message, service, context, request_id)
SELECT now() - g * interval '2 minutes', 'error', 'XeroApiError',
       'Xero API 401: AuthenticationUnsuccessful (token expired)', 'xero-sync',
       jsonb_build_object('tenant', 'sentia-uk'), 'req_' || md5('xero-' || g)
FROM generate_series(1, 18) AS g;

INSERT INTO public.error_logs (created_at, level, error_type, message, service, context, request_id)
SELECT now() - g * interval '4 minutes', 'error', 'ShopifyWebhookError',
       'Shopify webhook HMAC verification failed', 'shopify-webhooks',
       jsonb_build_object('topic', 'orders/create'), 'req_' || md5('shopify-' || g)
FROM generate_series(1, 9) AS g;

INSERT INTO public.error_logs (created_at, level, error_type, message, service, context)
SELECT now() - g * interval '9 minutes', 'critical', 'DatabaseTimeout',
       'Query read timeout after 10000ms', 'api', jsonb_build_object('route', '/api/dashboard/summary')
FROM generate_series(1, 4) AS g;

-- older: outside the hour
INSERT INTO public.error_logs (created_at, level, error_type, message, service)
SELECT now() - interval '5 hours' - g * interval '3 minutes', 'warning', 'RateLimitWarning',
       'Amazon SP-API throttled the request', 'amazon-sync'
FROM generate_series(1, 10) AS g;
