/** The page's one Socket.IO connection (the script /socket.io/socket.io.js defines `io`). */

export interface SocketLike {
  on(event: string, handler: (payload: any) => void): void;
}
declare const io: (options?: { transports?: string[] }) => SocketLike;

let socket: SocketLike | undefined;

export function events(): SocketLike {
  socket ??= io();
  return socket;
}
