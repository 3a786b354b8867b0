import { Subject, Subscription } from 'rxjs';
import { batchWhileBusy } from '../../common/batch-while-busy';
import { WorkerCallError } from '../../common/worker-rpc';
import type { DetectedFace } from '../face.types';
import type { EmbedOutcome, EmbedRequest, FaceEmbeddings, FrameKey } from './inference.protocol';

interface Pending extends EmbedRequest {
  resolve: (result: FaceEmbeddings) => void;
  reject: (err: unknown) => void;
}

/** How the batches went: calls made for how many requests (one per camera frame) and faces. */
export interface EmbeddingBatchStats {
  calls: number;
  requests: number;
  faces: number;
}

/**
 * Gathers the cameras' embedding requests into one call to the engine's thread while a call is
 * in flight (batchWhileBusy): EdgeFace-XS embeds a batch of 4–8 faces for about a quarter less
 * CPU per face than one call each (`npm run bench -- batching`), and the thread's queue stays
 * shorter. A request whose frame is gone fails alone; a failed call fails its batch.
 */
export class EmbeddingBatcher {
  private readonly requests = new Subject<Pending>();
  private readonly subscription: Subscription;
  readonly stats: EmbeddingBatchStats = { calls: 0, requests: 0, faces: 0 };

  constructor(
    private readonly embedBatch: (requests: EmbedRequest[]) => Promise<EmbedOutcome[]>,
    maxFacesPerCall = 8,
  ) {
    this.subscription = this.requests.pipe(batchWhileBusy((batch) => this.send(batch), { maxWeight: maxFacesPerCall, weight: (r) => r.faces.length })).subscribe();
  }

  embed(key: FrameKey, faces: DetectedFace[]): Promise<FaceEmbeddings> {
    return new Promise((resolve, reject) => this.requests.next({ key, faces, resolve, reject }));
  }

  /** Pending requests are failed; later ones too. */
  dispose(): void {
    this.subscription.unsubscribe();
    this.requests.complete();
  }

  private async send(batch: Pending[]): Promise<void> {
    this.stats.calls++;
    this.stats.requests += batch.length;
    for (const request of batch) this.stats.faces += request.faces.length;
    let outcomes: EmbedOutcome[];
    try {
      outcomes = await this.embedBatch(batch.map(({ key, faces }) => ({ key, faces })));
    } catch (err) {
      for (const request of batch) request.reject(err);
      return;
    }
    batch.forEach((request, i) => {
      const outcome = outcomes[i];
      if (!outcome) request.reject(new Error(`the engine answered ${outcomes.length} of ${batch.length} embedding requests`));
      else if ('error' in outcome) request.reject(new WorkerCallError(outcome.error, outcome.code));
      else request.resolve(outcome);
    });
  }
}
