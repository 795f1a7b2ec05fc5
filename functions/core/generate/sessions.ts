/**
 * One shopping session of a synthetic customer, as the events the shop's app sends: an optional sign-up,
 * product views, and sometimes a cart. A cart is abandoned (sometimes after starting checkout), ordered
 * within the session (under 30 minutes after its first product was added), or ordered later with the same
 * `cartId` (40 minutes to about 2 days after). Orders are sometimes refunded 2 to 14 days later.
 *
 * Events after the session (late orders, refunds) are returned with the session's; the caller emits every
 * event at its time.
 */
import type { CustomerEvent, EventContext, JsonValue, Traits } from '../events/index.ts';
import { BY_POPULARITY, PREMIUM, type Product, priceOf, productsIn, roundMoney } from './catalog.ts';
import type { Customer } from './customers.ts';
import { phoneFor } from './people.ts';
import { localHour } from './zones.ts';

const SOURCE = 'com.example.shop';
const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Shares, in percent. */
const QUICK_ORDER_PERCENT = 65;
const CHECKOUT_THEN_ABANDON_PERCENT = 25;
const REMOVE_PERCENT = 15;
const CART_VIEWED_PERCENT = 30;
const PHONE_AT_CHECKOUT_PERCENT = 25;
/** How long after the first add a later order comes, in minutes, weighted. */
const LATE_ORDER_MINUTES: readonly (readonly [readonly [number, number], number])[] = [
  [[40, 180], 5],
  [[181, 24 * 60], 2],
  [[24 * 60, 48 * 60], 3],
];

export type Timed = { at: number; event: CustomerEvent };
type Properties = Record<string, JsonValue>;
type Line = { product: Product; price: number; quantity: number };

let dayCached = Number.NaN;
let datePrefix = '';
const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));

/** `2026-11-01T09:12:04Z`: times are whole seconds, so no fraction is shown. */
export function isoTime(ms: number): string {
  const day = Math.floor(ms / DAY);
  if (day !== dayCached) {
    dayCached = day;
    datePrefix = new Date(day * DAY).toISOString().slice(0, 11);
  }
  const seconds = Math.floor((ms - day * DAY) / SECOND);
  const hh = TWO_DIGITS[Math.floor(seconds / 3600)];
  const mm = TWO_DIGITS[Math.floor(seconds / 60) % 60];
  const ss = TWO_DIGITS[seconds % 60];
  return `${datePrefix}${hh}:${mm}:${ss}Z`;
}

function traitsOf(c: Customer): Traits {
  const { identity } = c;
  const traits: Traits = { email: identity.email };
  if (identity.phone !== undefined) traits.phone = identity.phone;
  traits.firstName = identity.firstName;
  traits.lastName = identity.lastName;
  if (c.knowsTimezone) traits.timezone = c.zone.id;
  traits.locale = identity.locale;
  // Opt-ins only: without one, the policies' opt-in modes already withhold marketing (docs/policies.md).
  const consent: Record<string, { marketing: true }> = {};
  if (c.optIns.sms) consent.sms = { marketing: true };
  if (c.optIns.push) consent.push = { marketing: true };
  if (Object.keys(consent).length > 0) traits.consent = consent;
  return traits;
}

function makeEvent(
  c: Customer,
  type: string,
  at: number,
  properties: Properties,
  eventId?: string,
  traits?: Traits,
): CustomerEvent {
  const { identity } = c;
  const context: EventContext = {};
  if (identity.device !== undefined) context.device = { ...identity.device };
  context.ip = identity.ip;
  if (c.knowsTimezone) context.timezone = c.zone.id;
  context.locale = identity.locale;
  c.events += 1;
  const detail: CustomerEvent['detail'] = {
    userId: c.userId,
    eventId: eventId ?? `${c.userId}-${c.events}`,
    properties,
  };
  // An existing customer's first event identifies them, as a `Signed Up` does for a new one.
  if (traits === undefined && !c.identified) traits = traitsOf(c);
  c.identified = true;
  if (traits !== undefined) detail.traits = traits;
  detail.context = context;
  return {
    version: '0',
    id: c.rng.uuid(),
    'detail-type': type,
    source: SOURCE,
    account: ACCOUNT,
    time: isoTime(at),
    region: REGION,
    resources: [],
    detail,
  };
}

function pickProduct(c: Customer): Product {
  if (c.rng.chance(c.behaviour.premiumPercent / 100)) return c.rng.pick(PREMIUM);
  return c.rng.weighted(c.rng.chance(0.5) ? productsIn(c.favouriteCategory) : BY_POPULARITY);
}

function productProperties(p: Product, currency: string): Properties {
  return {
    productId: p.productId,
    sku: p.sku,
    name: p.name,
    category: p.category,
    price: priceOf(p, currency),
  };
}

function lineItems(lines: readonly Line[]): JsonValue[] {
  return lines.map(({ product: p, price, quantity }) => ({
    productId: p.productId,
    sku: p.sku,
    name: p.name,
    category: p.category,
    price,
    quantity,
  }));
}

function total(lines: readonly Line[]): number {
  return roundMoney(lines.reduce((sum, l) => sum + l.price * l.quantity, 0));
}

/** Moves an instant in the customer's night (00:00 to 06:59 local) to between 07:00 and 08:59. */
function outOfTheNight(c: Customer, at: number): number {
  const hour = localHour(c.zone, at);
  return hour < 7 ? at + (7 - hour) * HOUR + c.rng.int(0, 119) * MINUTE : at;
}

/** The events of a session starting at `start`, and when it ends (its last event in the session). */
export function runSession(c: Customer, start: number): { events: Timed[]; end: number } {
  const { rng, behaviour } = c;
  const currency = c.zone.currency;
  const events: Timed[] = [];
  let t = start;
  const emit = (at: number, type: string, properties: Properties, eventId?: string, traits?: Traits) => {
    events.push({ at, event: makeEvent(c, type, at, properties, eventId, traits) });
  };
  const step = (min: number, max: number) => {
    t += rng.int(min, max) * SECOND;
  };

  if (c.signsUp && !c.identified) {
    const method = rng.weighted([
      ['email', 6],
      ['google', 2],
      ['apple', 2],
    ]);
    emit(t, 'Signed Up', { method }, `${c.userId}-signed-up`, traitsOf(c));
    step(20, 240);
  }
  let last: Product | undefined;
  for (let i = rng.int(...behaviour.views); i > 0; i--) {
    last = pickProduct(c);
    emit(t, 'Product Viewed', { ...productProperties(last, currency), currency });
    step(15, 200);
  }
  if (!rng.chance(behaviour.addPercent / 100)) return { events, end: t };

  // A cart: the last product viewed, and perhaps a few more.
  c.carts += 1;
  const cartId = `cart_${c.number}_${c.carts}`;
  const lines: Line[] = [];
  const firstAdd = t;
  for (let n = rng.int(...behaviour.items); lines.length < n; ) {
    const product = lines.length === 0 && last !== undefined ? last : pickProduct(c);
    if (lines.some((l) => l.product === product)) {
      n -= 1;
      continue;
    }
    // Nobody buys two espresso machines: big-ticket items come one at a time.
    const quantity = product.usd >= 100 ? 1 : rng.int(...behaviour.quantity);
    const line = { product, price: priceOf(product, currency), quantity };
    lines.push(line);
    emit(t, 'Product Added', {
      cartId,
      ...productProperties(product, currency),
      quantity: line.quantity,
      currency,
    });
    step(15, 150);
  }
  if (lines.length >= 2 && rng.chance(REMOVE_PERCENT / 100)) {
    const [removed] = lines.splice(rng.int(0, lines.length - 1), 1);
    if (removed !== undefined) {
      const properties = {
        cartId,
        ...productProperties(removed.product, currency),
        quantity: removed.quantity,
        currency,
      };
      emit(t, 'Product Removed', properties);
      step(10, 90);
    }
  }
  if (rng.chance(CART_VIEWED_PERCENT / 100)) {
    emit(t, 'Cart Viewed', { cartId, products: lineItems(lines) });
    step(10, 60);
  }
  const revenue = total(lines);
  const checkout = { cartId, revenue, currency, products: lineItems(lines) };
  const ordered = rng.chance(behaviour.orderPercent / 100) && !(c.persona === 'one-time' && c.orders > 0);
  if (!ordered) {
    if (rng.chance(CHECKOUT_THEN_ABANDON_PERCENT / 100)) {
      step(30, 200);
      emit(t, 'Checkout Started', checkout);
    }
    return { events, end: t };
  }

  // Ordered in the session (at most ~21 minutes after the first add, by the step sizes above), or later.
  let checkoutAt: number;
  let orderAt: number;
  let end: number;
  if (rng.chance(QUICK_ORDER_PERCENT / 100)) {
    checkoutAt = t + rng.int(20, 200) * SECOND;
    orderAt = checkoutAt + rng.int(60, 300) * SECOND;
    end = orderAt;
  } else {
    const [min, max] = rng.weighted(LATE_ORDER_MINUTES);
    const minutes = rng.int(min, max);
    orderAt = outOfTheNight(c, firstAdd + minutes * MINUTE + rng.int(0, 59) * SECOND);
    checkoutAt = orderAt - rng.int(60, 300) * SECOND;
    end = t;
  }
  emit(checkoutAt, 'Checkout Started', checkout);
  c.orders += 1;
  const orderId = `ord_${c.number}_${c.orders}`;
  const main = lines.reduce((a, b) => (b.price * b.quantity > a.price * a.quantity ? b : a));
  let traits: Traits | undefined;
  if (c.identity.phone === undefined && c.orders === 1 && rng.chance(PHONE_AT_CHECKOUT_PERCENT / 100)) {
    // Asked for at checkout, for delivery updates.
    c.identity.phone = phoneFor(rng, c.zone);
    traits = { phone: c.identity.phone };
  }
  const order = {
    orderId,
    cartId,
    revenue,
    currency,
    category: main.product.category,
    products: lineItems(lines),
  };
  emit(orderAt, 'Order Completed', order, `${orderId}-completed`, traits);

  if (rng.chance(behaviour.refundPercent / 100)) {
    const refunded = rng.chance(0.6) ? lines : [rng.pick(lines)];
    const reason = rng.pick(['Damaged in transit', 'Changed my mind', 'Wrong item', 'Not as described']);
    const refund = { orderId, revenue: total(refunded), currency, reason, products: lineItems(refunded) };
    emit(
      outOfTheNight(c, orderAt + rng.int(2, 14) * DAY + rng.int(0, 8 * 3600) * SECOND),
      'Order Refunded',
      refund,
      `${orderId}-refunded`,
    );
  }
  return { events, end };
}
