-- The platform's own records: what was registered, tested, deployed and
-- rolled out, every flag change, breaker event and system event. Append-only
-- tables carry a bigserial id so "what happened, in order" needs no clock.

CREATE TABLE module_versions (
  key            text PRIMARY KEY,              -- name@version
  name           text NOT NULL,
  version        text NOT NULL,
  tier           text NOT NULL,
  sha256         char(64) NOT NULL,
  manifest       jsonb NOT NULL,
  artifact_path  text NOT NULL,
  source         text NOT NULL,
  registered_at  timestamptz NOT NULL DEFAULT now(),
  registered_by  text NOT NULL
);
CREATE INDEX module_versions_name ON module_versions (name);

CREATE TABLE test_runs (
  id         bigserial PRIMARY KEY,
  key        text NOT NULL REFERENCES module_versions (key),
  sha256     char(64) NOT NULL,
  passed     boolean NOT NULL,
  result     jsonb NOT NULL,
  run_at     timestamptz NOT NULL DEFAULT now(),
  run_by     text NOT NULL
);
CREATE INDEX test_runs_sha ON test_runs (sha256, id DESC);

-- Which version holds which role in each tier now; rewritten on every change,
-- so a restart brings back the same pipeline.
CREATE TABLE deployments (
  tier        text NOT NULL,
  role        text NOT NULL CHECK (role IN ('incumbent', 'candidate', 'previous')),
  key         text NOT NULL REFERENCES module_versions (key),
  since       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tier, role)
);

CREATE TABLE rollouts (
  id          text PRIMARY KEY,
  tier        text NOT NULL,
  from_key    text NOT NULL,
  to_key      text NOT NULL,
  plan        jsonb NOT NULL,
  state       text NOT NULL,
  step        integer NOT NULL,
  percent     real NOT NULL,
  steps       jsonb NOT NULL DEFAULT '[]',
  report      jsonb,
  reason      text,
  started_at  timestamptz NOT NULL,
  ended_at    timestamptz
);

CREATE TABLE flag_history (
  id        bigserial PRIMARY KEY,
  flag      text NOT NULL,
  action    text NOT NULL,
  actor     text NOT NULL,
  reason    text,
  before    jsonb,
  after     jsonb,
  at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX flag_history_flag ON flag_history (flag, id);

-- Flags locked by a per-flag kill switch stay off until an explicit reset.
CREATE TABLE flag_locks (
  flag      text PRIMARY KEY,
  reason    text NOT NULL,
  actor     text NOT NULL,
  at        timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE breaker_events (
  id          bigserial PRIMARY KEY,
  breaker     text NOT NULL,
  from_state  text NOT NULL,
  to_state    text NOT NULL,
  reason      text,
  at          timestamptz NOT NULL DEFAULT now()
);

-- Operator overrides survive a restart: a breaker forced open stays open.
CREATE TABLE breaker_overrides (
  breaker  text PRIMARY KEY,
  state    text NOT NULL CHECK (state IN ('open', 'closed')),
  reason   text NOT NULL,
  actor    text NOT NULL,
  at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE breaker_settings (
  scope     text PRIMARY KEY,                   -- '*' or a module name
  settings  jsonb NOT NULL,
  actor     text NOT NULL,
  at        timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE system_events (
  id       bigserial PRIMARY KEY,
  seq      bigint NOT NULL,                     -- next sequence number when it took effect
  action   text NOT NULL,
  tier     text,
  key      text,
  actor    text NOT NULL,
  detail   jsonb,
  at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX system_events_tier ON system_events (tier, id);
