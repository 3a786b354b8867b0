import { Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import type { Subscription } from 'rxjs';
import type { Server } from 'socket.io';
import { EventBus } from '../events/event-bus';

/** Socket.IO event emitted for every recognised frame. Payload: see RecognitionEventPayload in the README. */
export const RECOGNITION_EVENT = 'recognition';

/** Pushes each recognition result to every connected Socket.IO client. */
@WebSocketGateway() // CORS and access: SocketAccessAdapter (CORS_ORIGINS, the handshake's credentials)
export class EventsGateway implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(EventsGateway.name);
  @WebSocketServer() server: Server;
  private subscription?: Subscription;

  constructor(private readonly events: EventBus) {}

  onModuleInit(): void {
    this.subscription = this.events.on('frame.recognized').subscribe((event) => {
      this.server?.emit(RECOGNITION_EVENT, {
        camera: event.camera,
        frameIndex: event.frameIndex,
        capturedAt: new Date(event.capturedAt).toISOString(),
        recognizedAt: new Date(event.recognizedAt).toISOString(),
        latencyMs: Math.round(event.recognizedAt - event.capturedAt),
        faces: event.faces.map((face) => ({
          name: face.name,
          personId: face.personId,
          confidence: face.confidence,
          similarity: Math.round(face.similarity * 1000) / 1000,
          box: [face.box.x, face.box.y, face.box.width, face.box.height].map(Math.round),
        })),
      });
    });
    this.logger.log(`Socket.IO events: "${RECOGNITION_EVENT}" on every recognised frame`);
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }
}
