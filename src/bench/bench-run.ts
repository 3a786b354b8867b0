/**
 * One benchmark run, in its own process: starts the real application (camera process,
 * vision thread, database, people from --faces) on a video and records what comes out.
 */
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../app.module';
import { CameraRegistry } from '../cameras/camera-registry.service';
import type { FramePrediction } from './scoring';
import { summarise, Summary } from './stats';

export interface RunResult {
  mode: 'fast' | 'paced';
  wallSeconds: number;
  framesIn: number;
  framesOut: number;
  framesSkippedAtCapture: number;
  framesRecognised: number;
  recognitionDropped: number;
  /** Recognised frames taken for a scene cut (every track's name re-checked). */
  sceneCuts: number;
  /** Output frames drawn after the recognition of that very frame. */
  framesWithOwnRecognition: number;
  facesDetected: number;
  /** Faces embedded (the tracker skips faces whose identity is settled and fresh). */
  facesEmbedded: number;
  fps: number;
  stagesMs: Record<'capture' | 'detection' | 'embedding' | 'inferenceRoundTrip' | 'matching' | 'trackCheck' | 'drawing' | 'encoding', Summary>;
  /** Tracked faces found again / not found by the quick check on frames without their own detection. */
  tracksConfirmed: number;
  tracksHidden: number;
  tracksUnchecked: number;
  latencyMs: Summary;
  /** Latency once the pipeline is warm: output frames after the first second of video. */
  latencyAfterWarmupMs: Summary;
  cpuCores: number;
  peakRssMb: number;
  predictions: FramePrediction[];
}

/** CPU seconds of this process and its finished children (the capture process), from /proc. */
function cpuSeconds(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime, stime, cutime, cstime are fields 14-17 of the full line (11-14 after the name)
  const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
  return ticks / 100; // USER_HZ is 100 on Linux
}

function peakRssMb(): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return match ? Number(match[1]) / 1024 : process.memoryUsage().rss / 1048576;
}

async function main(): Promise<void> {
  const mode = process.env.BENCH_MODE === 'paced' ? 'paced' : 'fast';
  const app = await NestFactory.create(AppModule, { logger: ['error', 'warn'] });
  await app.init();
  const stream = app.get(CameraRegistry).first();
  if (!stream) throw new Error('no camera is running');
  const camera = stream.capture;

  const capture: number[] = [];
  const inference: number[] = [];
  const detection: number[] = [];
  const embedding: number[] = [];
  const matching: number[] = [];
  const drawing: number[] = [];
  const trackCheck: number[] = [];
  const encoding: number[] = [];
  const latency: number[] = [];
  const latencyAfterWarmup: number[] = [];
  const predictions: FramePrediction[] = [];
  let own = 0;
  const recognised = new Set<number>();
  let firstCapture = Infinity;
  let lastEncoded = 0;

  camera.frames$.subscribe((frame) => capture.push(frame.readMs));
  stream.recognitions$.subscribe((event) => {
    recognised.add(event.frameIndex);
    inference.push(event.inferenceMs);
    detection.push(event.detectMs);
    embedding.push(event.embedMs);
    matching.push(event.matchingMs);
  });
  const cpuBefore = cpuSeconds();
  const started = performance.now();
  await new Promise<void>((resolve) =>
    stream.frames$.subscribe({
      next: (frame) => {
        if (frame.offline) return; // the "camera offline" image, not a frame of the video
        firstCapture = Math.min(firstCapture, frame.capturedAt);
        lastEncoded = frame.encodedAt;
        drawing.push(frame.drawMs);
        if (frame.confirmMs !== undefined) trackCheck.push(frame.confirmMs);
        encoding.push(frame.encodeMs);
        latency.push(frame.encodedAt - frame.capturedAt);
        if (frame.capturedAt - firstCapture >= 1000) latencyAfterWarmup.push(frame.encodedAt - frame.capturedAt);
        if (recognised.has(frame.index)) own++;
        predictions.push({
          frame: frame.position,
          faces: frame.faces.map((face) => ({
            name: face.name,
            box: [face.box.x, face.box.y, face.box.width, face.box.height].map((v) => Math.round(v)) as [number, number, number, number],
            similarity: Math.round(face.similarity * 1000) / 1000,
          })),
        });
      },
      complete: resolve,
    }),
  );
  const wallSeconds = (performance.now() - started) / 1000;
  const cpu = cpuSeconds() - cpuBefore;
  const status = camera.getStatus();
  const result: RunResult = {
    mode,
    wallSeconds,
    framesIn: status.framesCaptured + status.framesSkipped,
    framesOut: stream.stats.framesOut,
    framesSkippedAtCapture: status.framesSkipped,
    framesRecognised: stream.stats.recognitionsRun,
    recognitionDropped: stream.stats.recognitionDropped,
    sceneCuts: stream.stats.sceneCuts,
    framesWithOwnRecognition: own,
    facesDetected: stream.stats.facesDetected,
    facesEmbedded: stream.stats.facesEmbedded,
    tracksConfirmed: stream.stats.tracksConfirmed,
    tracksHidden: stream.stats.tracksHidden,
    tracksUnchecked: stream.stats.tracksUnchecked,
    fps: stream.stats.framesOut / Math.max(1e-9, (lastEncoded - firstCapture) / 1000),
    stagesMs: {
      capture: summarise(capture),
      detection: summarise(detection),
      embedding: summarise(embedding),
      inferenceRoundTrip: summarise(inference),
      matching: summarise(matching),
      trackCheck: summarise(trackCheck),
      drawing: summarise(drawing),
      encoding: summarise(encoding),
    },
    latencyMs: summarise(latency),
    latencyAfterWarmupMs: summarise(latencyAfterWarmup),
    // user + system time of every thread and of the capture process, per second of wall time
    cpuCores: cpu / wallSeconds,
    peakRssMb: peakRssMb(),
    predictions,
  };
  await app.close();
  process.send?.(result);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
