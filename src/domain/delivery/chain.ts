/**
 * The channel chain of one delivery (SPEC §6.5), as a pure rule: after an attempt, what the delivery's
 * state becomes and when its next step runs. A channel that cannot reach the customer passes to the
 * next at once; a transient failure is retried on the same channel after the schedule's delay, and once
 * the schedule is used up the next channel is tried; past the last channel the document is undelivered.
 */

export type ChannelResult =
  | { outcome: 'delivered'; messageId: string | null }
  /** The channel cannot reach this customer (no consent, no e-mail, SMTP 5xx…): the next channel. */
  | { outcome: 'unreachable'; error: string }
  /** Transient (timeout, 5xx, SMTP 4xx, a directory not writable): retried on this channel. */
  | { outcome: 'failed'; error: string };

export interface ChainState {
  status: 'pending' | 'delivered' | 'undelivered';
  channels: readonly string[];
  channelIndex: number;
  channelFailures: number;
  step: number;
  deliveredChannel: string | null;
  deliveredMessageId: string | null;
}

export interface NextStep {
  state: ChainState;
  /** Seconds until the next step runs; null when the chain has ended (delivered or undelivered). */
  runInSeconds: number | null;
}

/**
 * Channels made for one kind of customer: Peppol addresses businesses (0192:<orgnr>), eFaktura B2C private
 * persons (a personal number). A channel that is not for this customer is passed over without an attempt
 * on record when a later channel is for them, so a private invoice's deliveries do not open with a Peppol
 * "unreachable" every time; with no such later channel it is tried, and its reason is recorded.
 */
export function channelServes(channel: string, customer: { business: boolean }): boolean {
  if (channel === 'peppol') return customer.business;
  if (channel === 'efaktura') return !customer.business;
  return true;
}

/** The index of the channel to try from `index` on, passing over channels that are not for this customer. */
export function firstServingChannel(channels: readonly string[], index: number, customer: { business: boolean }): number {
  for (let i = index; i < channels.length; i++) {
    if (channelServes(channels[i]!, customer)) return i;
  }
  return index;
}

/** The state after an attempt on `state.channels[state.channelIndex]` ended with `result`. */
export function afterAttempt(state: ChainState, result: ChannelResult, retrySchedule: readonly number[]): NextStep {
  const step = state.step + 1;
  if (result.outcome === 'delivered') {
    return {
      state: { ...state, step, status: 'delivered', deliveredChannel: state.channels[state.channelIndex] ?? null, deliveredMessageId: result.messageId },
      runInSeconds: null,
    };
  }
  if (result.outcome === 'failed') {
    const failures = state.channelFailures + 1;
    const delay = retrySchedule[failures - 1];
    if (delay !== undefined) return { state: { ...state, step, channelFailures: failures }, runInSeconds: delay };
  }
  const channelIndex = state.channelIndex + 1;
  if (channelIndex >= state.channels.length) {
    return { state: { ...state, step, channelIndex, channelFailures: 0, status: 'undelivered' }, runInSeconds: null };
  }
  return { state: { ...state, step, channelIndex, channelFailures: 0 }, runInSeconds: 0 };
}
