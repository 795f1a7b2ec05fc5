-- entered
WITH once AS (SELECT DISTINCT * FROM "cairn_prod_outcomes"."outcomes")
SELECT journey_id,
       count(DISTINCT enrollment_id) AS entered,
       count(DISTINCT user_id) AS customers
FROM once
WHERE kind = 'enrolled'
GROUP BY journey_id
ORDER BY journey_id;

-- not_entered
WITH once AS (SELECT DISTINCT * FROM "cairn_prod_outcomes"."outcomes")
SELECT journey_id, reason, count(*) AS decisions
FROM once
WHERE kind = 'not_enrolled'
GROUP BY journey_id, reason
ORDER BY journey_id, reason;

-- steps
WITH once AS (SELECT DISTINCT * FROM "cairn_prod_outcomes"."outcomes"),
moves AS (
  SELECT journey_id, step_id, enrollment_id,
         row_number() OVER (
           PARTITION BY enrollment_id
           ORDER BY occurred_at DESC, CAST(regexp_extract(id, '#([0-9]+)$', 1) AS INTEGER) DESC
         ) AS latest
  FROM once
  WHERE kind = 'step'
),
ended AS (SELECT DISTINCT enrollment_id FROM once WHERE kind = 'exited')
SELECT m.journey_id, m.step_id,
       count(*) AS entered,
       count(DISTINCT m.enrollment_id) AS enrollments,
       count(CASE WHEN m.latest = 1 AND x.enrollment_id IS NULL THEN 1 END) AS active
FROM moves m
LEFT JOIN ended x ON x.enrollment_id = m.enrollment_id
GROUP BY m.journey_id, m.step_id
ORDER BY m.journey_id, m.step_id;

-- moves
WITH once AS (SELECT DISTINCT * FROM "cairn_prod_outcomes"."outcomes")
SELECT journey_id, detail AS from_step, step_id AS to_step, count(*) AS moves
FROM once
WHERE kind = 'step'
GROUP BY journey_id, detail, step_id
ORDER BY journey_id, from_step, to_step;

-- exits
WITH once AS (SELECT DISTINCT * FROM "cairn_prod_outcomes"."outcomes")
SELECT journey_id, step_id, reason, count(*) AS enrollments
FROM once
WHERE kind = 'exited'
GROUP BY journey_id, step_id, reason
ORDER BY journey_id, step_id, reason;

-- sends
WITH once AS (SELECT DISTINCT * FROM "cairn_prod_outcomes"."outcomes"),
finals AS (
  SELECT journey_id, step_id, status, reason, channel, substr(occurred_at, 1, 10) AS day,
         row_number() OVER (PARTITION BY message_id ORDER BY occurred_at DESC, id DESC) AS latest
  FROM once
  WHERE kind = 'send'
)
SELECT journey_id, step_id, status, reason, coalesce(channel, '-') AS channel, count(*) AS messages
FROM finals
WHERE latest = 1
GROUP BY journey_id, step_id, status, reason, coalesce(channel, '-')
ORDER BY journey_id, step_id, status, reason, channel;

-- holds
WITH once AS (SELECT DISTINCT * FROM "cairn_prod_outcomes"."outcomes")
SELECT journey_id, step_id, CASE WHEN kind = 'send' THEN 'held' ELSE 'withheld' END AS what, reason,
       count(*) AS times
FROM once
WHERE kind = 'send_withheld' OR (kind = 'send' AND status = 'DEFERRED')
GROUP BY journey_id, step_id, CASE WHEN kind = 'send' THEN 'held' ELSE 'withheld' END, reason
ORDER BY journey_id, step_id, what, reason;

-- feedback
WITH once AS (SELECT DISTINCT * FROM "cairn_prod_outcomes"."outcomes")
SELECT journey_id, step_id, coalesce(channel, '-') AS channel, status,
       count(DISTINCT coalesce(message_id, id)) AS messages
FROM once
WHERE kind = 'feedback'
GROUP BY journey_id, step_id, coalesce(channel, '-'), status
ORDER BY journey_id, step_id, channel, status;

-- sends_by_day
WITH once AS (SELECT DISTINCT * FROM "cairn_prod_outcomes"."outcomes"),
finals AS (
  SELECT journey_id, step_id, status, reason, channel, substr(occurred_at, 1, 10) AS day,
         row_number() OVER (PARTITION BY message_id ORDER BY occurred_at DESC, id DESC) AS latest
  FROM once
  WHERE kind = 'send'
)
SELECT journey_id, day, status, reason, count(*) AS messages
FROM finals
WHERE latest = 1
GROUP BY journey_id, day, status, reason
ORDER BY journey_id, day, status, reason;

-- goals
WITH once AS (SELECT DISTINCT * FROM "cairn_prod_outcomes"."outcomes"),
enrollments AS (
  SELECT journey_id, enrollment_id, user_id, occurred_at FROM once WHERE kind = 'enrolled'
),
groups AS (
  SELECT enrollment_id,
         max(CASE WHEN variant_group = 'holdout' THEN 1 ELSE 0 END) AS held_out,
         max(CASE WHEN variant_group <> 'holdout' THEN variant_group END) AS variant
  FROM once
  WHERE kind = 'grouped'
  GROUP BY enrollment_id
),
goals AS (
  SELECT enrollment_id, min(occurred_at) AS occurred_at FROM once WHERE kind = 'goal_reached' GROUP BY enrollment_id
)
SELECT e.journey_id,
       CASE WHEN g.held_out = 1 THEN 'holdout' ELSE coalesce(g.variant, 'all') END AS variant_group,
       count(*) AS entered,
       count(r.enrollment_id) AS reached,
       count(DISTINCT e.user_id) AS customers,
       count(DISTINCT CASE WHEN r.enrollment_id IS NOT NULL THEN e.user_id END) AS customers_reached,
       avg(date_diff('second', from_iso8601_timestamp(e.occurred_at), from_iso8601_timestamp(r.occurred_at))) / 3600.0 AS mean_hours_to_goal
FROM enrollments e
LEFT JOIN groups g ON g.enrollment_id = e.enrollment_id
LEFT JOIN goals r ON r.enrollment_id = e.enrollment_id
GROUP BY e.journey_id, CASE WHEN g.held_out = 1 THEN 'holdout' ELSE coalesce(g.variant, 'all') END
ORDER BY e.journey_id, variant_group;

-- customer_groups
WITH once AS (SELECT DISTINCT * FROM "cairn_prod_outcomes"."outcomes"),
enrollments AS (
  SELECT journey_id, enrollment_id, user_id, occurred_at, id FROM once WHERE kind = 'enrolled'
),
groups AS (
  SELECT enrollment_id,
         max(CASE WHEN variant_group = 'holdout' THEN 1 ELSE 0 END) AS held_out,
         max(CASE WHEN variant_group <> 'holdout' THEN variant_group END) AS variant
  FROM once
  WHERE kind = 'grouped'
  GROUP BY enrollment_id
),
firsts AS (
  SELECT e.journey_id, e.user_id, CASE WHEN g.held_out = 1 THEN 'holdout' ELSE coalesce(g.variant, 'all') END AS variant_group,
         row_number() OVER (PARTITION BY e.journey_id, e.user_id ORDER BY e.occurred_at, e.id) AS nth
  FROM enrollments e
  LEFT JOIN groups g ON g.enrollment_id = e.enrollment_id
),
sent AS (SELECT DISTINCT journey_id, user_id FROM once WHERE kind = 'send' AND status = 'SENT'),
reached AS (SELECT DISTINCT journey_id, user_id FROM once WHERE kind = 'goal_reached'),
goal_events AS (
  SELECT DISTINCT journey_id, user_id, detail, revenue FROM once WHERE kind = 'goal_reached' AND revenue IS NOT NULL
),
revenue AS (SELECT journey_id, user_id, sum(revenue) AS revenue FROM goal_events GROUP BY journey_id, user_id)
SELECT f.journey_id, f.variant_group,
       count(*) AS customers,
       count(s.user_id) AS sent,
       count(r.user_id) AS reached,
       sum(v.revenue) AS revenue
FROM firsts f
LEFT JOIN sent s ON s.journey_id = f.journey_id AND s.user_id = f.user_id
LEFT JOIN reached r ON r.journey_id = f.journey_id AND r.user_id = f.user_id
LEFT JOIN revenue v ON v.journey_id = f.journey_id AND v.user_id = f.user_id
WHERE f.nth = 1
GROUP BY f.journey_id, f.variant_group
ORDER BY f.journey_id, f.variant_group;

-- goal_currencies
WITH once AS (SELECT DISTINCT * FROM "cairn_prod_outcomes"."outcomes")
SELECT DISTINCT journey_id, currency
FROM once
WHERE kind = 'goal_reached' AND revenue IS NOT NULL AND currency IS NOT NULL
ORDER BY journey_id, currency;

-- entered from 2026-02-01 to 2026-02-28
WITH stored AS (SELECT DISTINCT * FROM "cairn_prod_outcomes"."outcomes" WHERE dt >= '2026-02-01'),
cohort AS (SELECT enrollment_id FROM stored WHERE kind = 'enrolled' AND substr(occurred_at, 1, 10) >= '2026-02-01' AND substr(occurred_at, 1, 10) <= '2026-02-28'),
once AS (
  SELECT * FROM stored
  WHERE enrollment_id IN (SELECT enrollment_id FROM cohort)
     OR (kind = 'feedback' AND message_id IN (
           SELECT message_id FROM stored WHERE kind = 'send' AND enrollment_id IN (SELECT enrollment_id FROM cohort)))
     OR (enrollment_id IS NULL AND kind <> 'feedback' AND substr(occurred_at, 1, 10) >= '2026-02-01' AND substr(occurred_at, 1, 10) <= '2026-02-28')
)
SELECT journey_id,
       count(DISTINCT enrollment_id) AS entered,
       count(DISTINCT user_id) AS customers
FROM once
WHERE kind = 'enrolled'
GROUP BY journey_id
ORDER BY journey_id;

-- sends from 2026-02-01
WITH stored AS (SELECT DISTINCT * FROM "cairn_prod_outcomes"."outcomes" WHERE dt >= '2026-02-01'),
cohort AS (SELECT enrollment_id FROM stored WHERE kind = 'enrolled' AND substr(occurred_at, 1, 10) >= '2026-02-01'),
once AS (
  SELECT * FROM stored
  WHERE enrollment_id IN (SELECT enrollment_id FROM cohort)
     OR (kind = 'feedback' AND message_id IN (
           SELECT message_id FROM stored WHERE kind = 'send' AND enrollment_id IN (SELECT enrollment_id FROM cohort)))
     OR (enrollment_id IS NULL AND kind <> 'feedback' AND substr(occurred_at, 1, 10) >= '2026-02-01')
),
finals AS (
  SELECT journey_id, step_id, status, reason, channel, substr(occurred_at, 1, 10) AS day,
         row_number() OVER (PARTITION BY message_id ORDER BY occurred_at DESC, id DESC) AS latest
  FROM once
  WHERE kind = 'send'
)
SELECT journey_id, step_id, status, reason, coalesce(channel, '-') AS channel, count(*) AS messages
FROM finals
WHERE latest = 1
GROUP BY journey_id, step_id, status, reason, coalesce(channel, '-')
ORDER BY journey_id, step_id, status, reason, channel;
