-- entered
WITH once AS (SELECT DISTINCT * FROM "cairn_prod_outcomes"."outcomes")
SELECT journey_id,
       count(DISTINCT enrollment_id) AS entered,
       count(DISTINCT user_id) AS customers
FROM once
WHERE kind = 'enrolled'
GROUP BY journey_id
ORDER BY journey_id;

-- sends
WITH once AS (SELECT DISTINCT * FROM "cairn_prod_outcomes"."outcomes"),
finals AS (
  SELECT journey_id, status, reason, channel,
         row_number() OVER (PARTITION BY message_id ORDER BY occurred_at DESC, id DESC) AS latest
  FROM once
  WHERE kind = 'send'
)
SELECT journey_id, status, reason, coalesce(channel, '-') AS channel, count(*) AS messages
FROM finals
WHERE latest = 1
GROUP BY journey_id, status, reason, coalesce(channel, '-')
ORDER BY journey_id, status, reason, channel;

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
