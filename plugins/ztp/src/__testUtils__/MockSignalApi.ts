import { act } from '@testing-library/react';
import type {
  SignalApi,
  SignalSubscriber,
} from '@backstage/plugin-signals-react';
import type { JsonObject } from '@backstage/types';

/** A SignalApi whose messages the test publishes itself. */
export class MockSignalApi implements SignalApi {
  private readonly subscribers = new Map<
    string,
    Set<(message: JsonObject) => void>
  >();

  subscribe<TMessage extends JsonObject = JsonObject>(
    channel: string,
    onMessage: (message: TMessage) => void,
  ): SignalSubscriber {
    const set = this.subscribers.get(channel) ?? new Set();
    const callback = onMessage as (message: JsonObject) => void;
    set.add(callback);
    this.subscribers.set(channel, set);
    return { unsubscribe: () => set.delete(callback) };
  }

  /** Channels someone listens to now. */
  channels(): string[] {
    return [...this.subscribers.entries()]
      .filter(([, set]) => set.size > 0)
      .map(([channel]) => channel);
  }

  /** Delivers a message the way the signals WebSocket would. */
  publish(channel: string, message: object) {
    act(() => {
      for (const callback of this.subscribers.get(channel) ?? []) {
        callback(JSON.parse(JSON.stringify(message)));
      }
    });
  }
}
