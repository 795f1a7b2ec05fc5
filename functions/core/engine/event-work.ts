import type { CustomerEvent } from '../events/index.ts';
import { LifecycleClock, readsProfileView } from '../lifecycle/lifecycle.ts';
import type { LifecycleModel } from '../lifecycle/lifecycle-model.ts';
import { purchaseOf } from '../lifecycle/purchase-events.ts';
import { recordPurchase } from '../lifecycle/purchases.ts';
import { type KnownStage, nextStageBoundary } from '../lifecycle/stage-boundary.ts';
import { matchesPattern } from '../patterns/index.ts';
import { applyEventToProfile, LIFECYCLE_SOURCE, type Profile, STAGE_CHANGED } from '../profile/profile.ts';
import { recordHistory } from '../segments/history.ts';
import { updateSegments } from '../segments/incremental.ts';
import { SEGMENT_SOURCE } from '../segments/schema.ts';
import { parseInstant } from '../time/instant.ts';
import { zoneOr } from '../time/zoned.ts';
import { planDate } from '../triggers/date.ts';
import type { JourneyCatalog } from './catalog.ts';
import { engagementAfter, engagementSeen } from './engagement.ts';
import { EnrollmentWork } from './enrollment-work.ts';
import { rememberEndings } from './order-window.ts';
import type { SeenMemory } from './seen-memory.ts';
import type { CustomerState, LifecycleTimer } from './state.ts';

/** What an event does (profile, lifecycle, segments, journeys' triggers) and the end of every input. */
export abstract class EventWork extends EnrollmentWork {
  onEvent(event: CustomerEvent, depth = 0): void {
    const firstEvent = this.state.profile.firstSeenAt === undefined;
    // A segment change is Cairn's own conclusion, not the customer being seen: it leaves the profile alone,
    // so that a membership that changed on a timer does not move daysSinceLastSeen.
    if (event.source !== SEGMENT_SOURCE)
      this.state.profile = applyEventToProfile(this.state.profile, event, this.now);
    const model = this.context.lifecycle;
    const purchase = model && depth === 0 ? purchaseOf(model, event) : undefined;
    if (purchase) {
      const purchases = this.state.profile.purchases;
      const updated = recordPurchase(
        purchases ?? { orders: 0, revenue: 0, refunds: 0, days: [], weeks: [], bitmap: '' },
        purchase.kind,
        parseInstant(event.time),
        purchase.amount,
        this.now,
      );
      this.state.profile = { ...this.state.profile, purchases: updated };
    }
    if (depth === 0) this.countHistory(event);
    const stageChange = depth === 0 ? this.reclassify(firstEvent || purchase !== undefined) : undefined;
    // Segments before the journeys, so that an audience or a branch sees the membership this event made.
    const segmentChanges = depth === 0 ? this.resegment() : [];
    const engagement = engagementSeen(event);
    for (const given of [...this.state.enrollments]) {
      // Feedback about the enrollment's own message is recorded first, so that a branch the event leads to
      // sees it; the event is also an ordinary event, which goals, exits and event waits may match.
      const engaged = engagement && engagementAfter(given, engagement);
      if (engaged) this.draft.enrollment(given).engagement = engaged;
      const wait = given.wait;
      this.reactToEvent(this.draft.current(given), event);
      const enrollment = this.draft.current(given);
      if (engaged && wait && enrollment.wait === wait && this.state.enrollments.includes(enrollment))
        this.reactToEngagement(enrollment, wait);
    }
    for (const journey of this.context.catalog.triggeredBy(event)) {
      // A date journey is entered by its timer only (onDateTimer), never by an event that looks like one.
      if (!journey.journey.trigger.date && matchesPattern(journey.trigger, event))
        this.tryEnroll(journey, event);
    }
    // After the journeys, so that an event that is both a trigger and its own goal does not refuse itself.
    if (depth === 0) this.rememberEndings(event);
    if (stageChange) this.onEvent(stageChange, depth + 1);
    for (const change of segmentChanges) this.onEvent(change, depth + 1);
  }

  /** Remembers a goal or exit event for the triggers that arrive after it (engine/order-window.ts). */
  private rememberEndings(event: CustomerEvent): void {
    const endings = rememberEndings(this.state.endings, this.context.catalog.latest(), event, this.now);
    // Undefined rather than deleted, which would turn the draft's one shape into a dictionary (draft.ts).
    this.state.endings = endings;
  }

  /** Counts a customer event in the event-history counters that some segment or journey uses. */
  private countHistory(event: CustomerEvent): void {
    const specs = this.context.catalog.segments.history;
    if (specs.length === 0 && !this.state.history) return;
    this.state.history = recordHistory(this.state.history, specs, event, this.now);
  }

  /**
   * Re-evaluates the customer's segments now (segments/incremental.ts); returns the `Segment Entered` and
   * `Segment Exited` events to put through the journeys. A configuration without segments pays nothing.
   */
  protected resegment(): CustomerEvent[] {
    const segments = this.context.catalog.segments;
    const { state } = this;
    if (segments.empty && !state.segments && !state.history && !state.segmentTimer) return [];
    const { effects, events } = updateSegments(state, segments, this.now, this.context.lifecycle);
    this.effects.push(...effects);
    return events;
  }

  /**
   * Re-evaluates the lifecycle stage. A change is returned as the stage-change event that journeys trigger on.
   * The next time-driven boundary is rescheduled when the purchases changed or no boundary is pending.
   */
  protected reclassify(boundaryMayHaveMoved: boolean): CustomerEvent | undefined {
    const model = this.context.lifecycle;
    if (!model) return undefined;
    const { userId, profile } = this.state;
    const clock = new LifecycleClock(userId, profile, model);
    const decision = clock.stageAt(this.now);
    let event: CustomerEvent | undefined;
    if (decision.stage !== profile.stage) {
      const from = profile.stage ?? null;
      const to = decision.stage ?? null;
      const reason = decision.rule?.why ?? 'no stage rule matches';
      this.state.profile = { ...profile, stage: decision.stage, stageSince: this.now };
      this.effects.push({ at: this.now, userId, type: 'stage-changed', from, to, reason });
      event = {
        version: '0',
        id: `lifecycle:${userId}:${this.now}:${to ?? 'none'}`,
        source: LIFECYCLE_SOURCE,
        'detail-type': STAGE_CHANGED,
        time: new Date(this.now).toISOString(),
        resources: [],
        detail: { userId, properties: { from, to, reason } },
      };
    }
    if (boundaryMayHaveMoved || event || !this.state.lifecycleTimer) {
      // The clock and the stage just evaluated are the new profile's too, unless its new stage is read by a rule.
      const known = !event || !readsProfileView(model) ? { clock, stage: decision.stage } : undefined;
      this.scheduleBoundary(model, known);
    }
    return event;
  }

  private scheduleBoundary(model: LifecycleModel, known: KnownStage | undefined): void {
    const { userId, profile } = this.state;
    const dueAt = nextStageBoundary(model, userId, profile, this.now, known);
    if (dueAt === undefined) {
      this.state.lifecycleTimer = undefined;
      return;
    }
    if (this.state.lifecycleTimer?.dueAt === dueAt) return;
    const timer: LifecycleTimer = { id: `lifecycle:${userId}:${dueAt}`, userId, dueAt, kind: 'lifecycle' };
    this.state.lifecycleTimer = { id: timer.id, dueAt };
    this.effects.push({ at: this.now, userId, type: 'timer-scheduled', timer });
  }

  /**
   * Sets each date journey's timer at the customer's next occurrence, when the date, the zone or the journey
   * changed since it was set (triggers/date.ts). Draft and archived journeys keep what they had.
   */
  private scheduleDates(): void {
    const { catalog } = this.context;
    const { userId, profile } = this.state;
    const zone = zoneOr(profile.timezone, this.context.defaultTimezone);
    if (this.state.dates && datesKept(this.state.dates, catalog, profile.traits, zone)) return;
    for (const journey of catalog.latest()) {
      const trigger = journey.journey.trigger.date;
      const { status } = journey.journey;
      if (!trigger || status === 'draft' || status === 'archived') continue;
      const previous = this.state.dates?.[journey.id];
      const dated = { id: journey.id, version: journey.version, trigger };
      const plan = planDate(dated, { userId, profile, zone }, this.now, previous);
      if (!plan) continue;
      this.state.dates = { ...this.state.dates, [journey.id]: plan.schedule };
      if (plan.timer) this.effects.push({ at: this.now, userId, type: 'timer-scheduled', timer: plan.timer });
      if (plan.refused)
        this.effects.push({
          at: this.now,
          userId,
          type: 'not-enrolled',
          journeyId: journey.id,
          reason: plan.refused,
        });
    }
    if (this.state.dates)
      datesPlanned.set(this.state.dates, {
        catalog,
        revision: catalog.revision,
        traits: profile.traits,
        zone,
      });
  }

  /** Ends an input's work: `seen` is the fingerprints to keep with the input's own (engine/seen.ts). */
  finish(seen: SeenMemory): void {
    this.scheduleDates();
    this.state.seen = seen;
    if (this.state.processed.length > 0) this.state.processed = [];
    if (!this.allKept()) this.draft.replaceEnrollments(this.state.enrollments.filter((e) => this.kept(e)));
    this.forgetOldSends(this.now - 86_400_000);
  }

  /** Whether every enrollment stays: a loop, not `every` with a closure, since every input asks. */
  private allKept(): boolean {
    for (const enrollment of this.state.enrollments) if (!this.kept(enrollment)) return false;
    return true;
  }

  /** Drops the journeys' send times of a day ago and more; a journey with none to drop is left as it is. */
  private forgetOldSends(dayAgo: number): void {
    const given = this.state.journeySends;
    for (const id in given) {
      const sends = given[id];
      if (!sends || !Object.hasOwn(given, id) || !sends.recent.some((t) => t <= dayAgo)) continue;
      this.state.journeySends = {
        ...this.state.journeySends,
        [id]: { ...sends, recent: sends.recent.filter((t) => t > dayAgo) },
      };
    }
  }
}

/** What a customer's date schedules were last planned from: the catalog as it was, the traits and the zone. */
type DatesBasis = { catalog: JourneyCatalog; revision: number; traits: Profile['traits']; zone: string };

/**
 * The basis of each `dates` a date planning ended with. A schedule depends on its journey (in the catalog), the
 * date (a trait: TraitPath), the zone and the schedule before; planning again from the same ones changes
 * nothing (planDate answers undefined for each), so an input that kept the `dates`, the traits object (the
 * profile keeps it when the event repeats the traits), the zone and the catalog skips the planning: one
 * look-up per input where each date journey was asked. A state read back from text has new objects: planned.
 */
const datesPlanned = new WeakMap<NonNullable<CustomerState['dates']>, DatesBasis>();

function datesKept(
  dates: NonNullable<CustomerState['dates']>,
  catalog: JourneyCatalog,
  traits: Profile['traits'],
  zone: string,
): boolean {
  const basis = datesPlanned.get(dates);
  return (
    basis !== undefined &&
    basis.catalog === catalog &&
    basis.revision === catalog.revision &&
    basis.traits === traits &&
    basis.zone === zone
  );
}
