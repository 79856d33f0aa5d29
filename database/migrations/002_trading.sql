-- Trading state, orders, fills, positions: owned by the kernel, never by a
-- module, so no swap can lose them. An order row is written before the order
-- is sent; client_order_id makes a resend after a crash a no-op.

CREATE TABLE trading_state (
  id      smallint PRIMARY KEY CHECK (id = 1),
  mode    text NOT NULL CHECK (mode IN ('ACTIVE', 'REDUCING', 'HALTED')),
  reason  text NOT NULL,
  actor   text NOT NULL,
  seq     bigint NOT NULL,
  at      timestamptz NOT NULL DEFAULT now()
);
INSERT INTO trading_state (id, mode, reason, actor, seq) VALUES (1, 'ACTIVE', 'initial', 'system', 0);

CREATE TABLE trading_mode_history (
  id         bigserial PRIMARY KEY,
  from_mode  text NOT NULL,
  to_mode    text NOT NULL,
  reason     text NOT NULL,
  actor      text NOT NULL,
  seq        bigint NOT NULL,
  at         timestamptz NOT NULL DEFAULT now()
);

-- The sequencer's high-water mark: a restarted kernel starts above it, so a
-- sequence number is never reused.
CREATE TABLE sequence_state (
  id        smallint PRIMARY KEY CHECK (id = 1),
  next_seq  bigint NOT NULL
);
INSERT INTO sequence_state (id, next_seq) VALUES (1, 1);

CREATE TABLE orders (
  client_order_id  text PRIMARY KEY,
  seq              bigint NOT NULL,
  symbol           text NOT NULL,
  side             text NOT NULL CHECK (side IN ('buy', 'sell')),
  quantity         numeric NOT NULL CHECK (quantity > 0),
  type             text NOT NULL CHECK (type IN ('market', 'limit')),
  limit_price      numeric,
  status           text NOT NULL,
  filled_quantity  numeric NOT NULL DEFAULT 0,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX orders_open ON orders (status) WHERE status IN ('new', 'sent', 'partially_filled');

CREATE TABLE fills (
  id               bigserial PRIMARY KEY,
  fill_id          text NOT NULL UNIQUE,        -- broker's id: a replayed fill is a no-op
  client_order_id  text NOT NULL REFERENCES orders (client_order_id),
  symbol           text NOT NULL,
  side             text NOT NULL,
  quantity         numeric NOT NULL CHECK (quantity > 0),
  price            numeric NOT NULL CHECK (price > 0),
  fee              numeric NOT NULL DEFAULT 0,
  at               timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE positions (
  symbol        text PRIMARY KEY,
  quantity      numeric NOT NULL,
  avg_price     numeric NOT NULL,
  realized_pnl  numeric NOT NULL DEFAULT 0,
  updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE portfolio_snapshots (
  id         bigserial PRIMARY KEY,
  equity     numeric NOT NULL,
  cash       numeric NOT NULL,
  positions  jsonb NOT NULL,
  at         timestamptz NOT NULL DEFAULT now()
);
