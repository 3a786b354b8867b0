import { Adapter, type BroadcastOptions, type ClusterAdapter, MessageType } from 'socket.io-adapter';

/** What a Socket.IO broadcast carries: an event packet's data is [name, ...args]. */
interface BroadcastPacket {
  type: number;
  data?: unknown[];
  nsp: string;
}

/** Decides per event whether it goes to the other nodes (see CrossNodeGate). */
export type ForwardRule = (event: string, payload: unknown) => boolean;

/**
 * Changes how a cluster adapter broadcasts: its own clients get every event at once (the stock
 * ClusterAdapter first waits for the PostgreSQL round trip, or for a dead connection's timeout),
 * and the other nodes get only the broadcasts to everyone that `forwards` lets through. What
 * arrives from other nodes is delivered to this node's clients only (the adapter's onMessage),
 * so nothing echoes back.
 */
export function gateBroadcasts<T extends ClusterAdapter>(adapter: T, forwards: ForwardRule, onError: (err: unknown) => void): T {
  const cluster = adapter as unknown as { publishAndReturnOffset(message: unknown): Promise<unknown> };
  // async only to match the type: the body runs to its end synchronously.
  adapter.broadcast = async (packet: BroadcastPacket, opts: BroadcastOptions): Promise<void> => {
    const [event, payload] = Array.isArray(packet.data) ? packet.data : [];
    // Sent to given rooms or sockets (a client's snapshot on connection): not thinned out.
    const targeted = opts.rooms.size > 0;
    if (!opts.flags?.local && (targeted || typeof event !== 'string' || forwards(event, payload))) {
      // Serialised before the local delivery below runs. Most failures go to the adapter's errorHandler,
      // but not those of a message stored as an attachment (its promise escapes the adapter's try).
      void cluster
        .publishAndReturnOffset({ type: MessageType.BROADCAST, data: { packet, opts: { rooms: [...opts.rooms], except: [...(opts.except ?? [])], flags: opts.flags } } })
        .catch(onError);
    }
    Adapter.prototype.broadcast.call(adapter, packet, opts);
  };
  return adapter;
}
