-- PagerDuty Events API v2 is a team channel beside Slack and email: its events ride the same outbox.
ALTER TABLE team_messages DROP CONSTRAINT team_messages_channel_check;
ALTER TABLE team_messages ADD CONSTRAINT team_messages_channel_check CHECK (channel IN ('slack', 'email', 'pagerduty'));
