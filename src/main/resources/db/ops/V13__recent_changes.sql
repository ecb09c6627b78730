-- One "what changed" event per incident (recent-changes' WhatChangedEvent): its writers queue on an
-- advisory lock and look before writing; this refuses a second one should anything slip past.
CREATE UNIQUE INDEX timeline_events_one_what_changed ON timeline_events (incident_id) WHERE kind = 'what-changed';
