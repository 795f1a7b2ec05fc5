import { lifecycleView } from '../lifecycle/lifecycle.ts';
import type { LifecycleModel } from '../lifecycle/lifecycle-model.ts';
import type { Profile } from '../profile/profile.ts';
import type { History } from '../segments/history.ts';
import type { ConditionSubject } from './conditions.ts';
import type { CustomerState } from './state.ts';

/**
 * A customer as an audience or a segment's conditions see them at `now`: the lifecycle view is made on first use,
 * once. A class, not an object of closures: one is made per journey an event may enter and per input's
 * segment membership, and its methods cost nothing to make.
 */
export class CustomerSubject implements ConditionSubject {
  readonly userId: string;
  readonly profile: Profile;
  readonly history: History | undefined;
  private made: Record<string, unknown> | undefined;

  /** `segments`: the segments the customer is in (the state's list, or those found so far). */
  constructor(
    state: Pick<CustomerState, 'userId' | 'profile' | 'history'>,
    readonly trigger: unknown,
    readonly now: number,
    private readonly lifecycle: LifecycleModel | undefined,
    private readonly segments: ReadonlySet<string> | readonly string[] | undefined,
  ) {
    this.userId = state.userId;
    this.profile = state.profile;
    this.history = state.history;
  }

  view(): Record<string, unknown> {
    this.made ??= lifecycleView(this.userId, this.profile, this.lifecycle, this.now);
    return this.made;
  }

  inSegment(id: string): boolean {
    const { segments } = this;
    if (segments === undefined) return false;
    return 'has' in segments ? segments.has(id) : segments.includes(id);
  }
}
