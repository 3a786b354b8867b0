/** Who is in view now and since when, and the last minute of pipeline figures: pure, no Nest, no I/O. */

export interface PresentFaceInput {
  trackId: number;
  name: string;
  personId: number | null;
  confidence: number;
  box: { x: number; y: number; width: number; height: number };
}

export interface PresentFace extends PresentFaceInput {
  /** When this face (its track) came into view, epoch ms. */
  since: number;
}

/**
 * Keeps the first time each track was seen. A track absent from the observations for longer
 * than `forgetAfterMs` is forgotten (the tracker never reuses an id, so this only bounds memory).
 */
export class Presence {
  private readonly firstSeen = new Map<number, { since: number; lastSeen: number }>();

  constructor(private readonly forgetAfterMs = 5000) {}

  /** The faces of one recognised frame, each with when it came into view. */
  observe(at: number, faces: readonly PresentFaceInput[]): PresentFace[] {
    const result = faces.map((face) => {
      const entry = this.firstSeen.get(face.trackId) ?? { since: at, lastSeen: at };
      entry.lastSeen = at;
      this.firstSeen.set(face.trackId, entry);
      return { ...face, since: entry.since };
    });
    for (const [trackId, entry] of this.firstSeen) if (at - entry.lastSeen > this.forgetAfterMs) this.firstSeen.delete(trackId);
    return result;
  }

  get tracked(): number {
    return this.firstSeen.size;
  }
}

/** One second of the live panel. */
export interface StatsSample {
  /** End of the second, epoch ms. */
  at: number;
  /** Frames streamed during the second. */
  fps: number;
  /** Mean capture → recognition latency of the second's recognitions (ms); null when none ran. */
  latencyMs: number | null;
  /** Faces found by the second's recognitions. */
  facesPerSecond: number;
}

/** Per-second samples over a sliding window (the panel's sparklines). */
export class StatsWindow {
  private readonly samples: StatsSample[] = [];
  private latencySum = 0;
  private recognitions = 0;
  private faces = 0;
  private lastFrames: number | null = null;
  private lastAt: number | null = null;

  constructor(private readonly size = 60) {}

  addRecognition(latencyMs: number, faces: number): void {
    this.latencySum += latencyMs;
    this.recognitions++;
    this.faces += faces;
  }

  /** Closes the current period (normally one second) given the stream's output frame counter; returns its sample. */
  tick(at: number, framesOut: number): StatsSample {
    const seconds = this.lastAt === null ? 1 : Math.max(0.001, (at - this.lastAt) / 1000);
    const frames = this.lastFrames === null ? 0 : Math.max(0, framesOut - this.lastFrames);
    const sample: StatsSample = {
      at,
      fps: round1(frames / seconds),
      latencyMs: this.recognitions ? Math.round(this.latencySum / this.recognitions) : null,
      facesPerSecond: round1(this.faces / seconds),
    };
    this.lastAt = at;
    this.lastFrames = framesOut;
    this.latencySum = 0;
    this.recognitions = 0;
    this.faces = 0;
    this.samples.push(sample);
    if (this.samples.length > this.size) this.samples.splice(0, this.samples.length - this.size);
    return sample;
  }

  history(): StatsSample[] {
    return [...this.samples];
  }
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
