-- The trading book (src/trading/TradingBook.ts): event time on orders and
-- fills, so a restart re-adopts resting orders with their latency and the
-- day's P&L rolls by event time; the last mark per position; and the
-- account's day state, which fills alone cannot rebuild.

ALTER TABLE orders ADD COLUMN id bigserial;
ALTER TABLE orders ADD COLUMN ts double precision;
ALTER TABLE orders ADD COLUMN reason text;
CREATE UNIQUE INDEX orders_id ON orders (id);
CREATE INDEX orders_working ON orders (symbol) WHERE status IN ('accepted', 'partially_filled');
CREATE INDEX orders_symbol ON orders (symbol, id);

ALTER TABLE fills ADD COLUMN ts double precision;
CREATE INDEX fills_order ON fills (client_order_id);
CREATE INDEX fills_symbol ON fills (symbol, id);

ALTER TABLE positions ADD COLUMN mark_price numeric;

-- One row. initial_cash is fixed by the first open: cash is always
-- initial_cash plus what the fills paid and received.
CREATE TABLE account_state (
  id                smallint PRIMARY KEY CHECK (id = 1),
  initial_cash      numeric NOT NULL,
  day               bigint NOT NULL,              -- UTC day number of event time; -1 before any event
  day_start_equity  double precision NOT NULL,
  peak_equity       double precision NOT NULL,
  as_of             double precision NOT NULL,    -- event time of the last market event seen, epoch ms
  updated_at        timestamptz NOT NULL DEFAULT now()
);
