-- Defence in depth for money and lifecycle invariants (review m21): the application already keeps
-- these, so a violation here is a bug, refused by the database instead of stored. Only ADD CONSTRAINT
-- on columns of 001, so this migration composes with others that add columns or tables.
-- Keep the lists in step with ORDER_STATUSES (src/domain/orders/lifecycle.ts) and CALLBACK_STATES
-- (src/store/callback-outbox.ts); test/store/checks.test.ts fails when they drift apart.

ALTER TABLE orders
  ADD CONSTRAINT orders_status_known CHECK (status IN
    ('SENT', 'INVOICED', 'PAID', 'PURRING', 'INKASSO', 'CANCELLED', 'PARTIAL REFUNDED', 'REFUNDED')),
  ADD CONSTRAINT orders_amounts_not_negative CHECK (
    sub_total_ore >= 0 AND total_tax_ore >= 0 AND total_discount_ore >= 0 AND grand_total_ore >= 0
    AND paid_ore >= 0 AND refunded_ore >= 0),
  ADD CONSTRAINT orders_refund_within_total CHECK (refunded_ore <= grand_total_ore);

ALTER TABLE order_lines
  ADD CONSTRAINT order_lines_amounts_not_negative CHECK (
    rate_ore >= 0 AND discount_ore >= 0 AND amount_ore >= 0 AND vat_ore >= 0 AND refunded_ore >= 0),
  ADD CONSTRAINT order_lines_quantity_positive CHECK (quantity > 0),
  ADD CONSTRAINT order_lines_refund_within_amount CHECK (refunded_ore <= amount_ore);

ALTER TABLE callback_events
  ADD CONSTRAINT callback_events_state_known CHECK (state IN ('pending', 'delivered', 'failed', 'gone', 'refused')),
  ADD CONSTRAINT callback_events_attempts_not_negative CHECK (attempts >= 0);
