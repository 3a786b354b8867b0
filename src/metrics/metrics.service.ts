import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Subscription } from 'rxjs';
import { CameraService } from '../camera/camera.service';
import { GalleryService } from '../recognition/gallery.service';
import { RecognitionService } from '../recognition/recognition.service';
import { StreamService } from '../stream/stream.service';
import { RateWindow } from './fps-window';

const PREFIX = 'facestream_';
const FPS_WINDOW_MS = 5_000;
/** States listed in facestream_camera_state even when not current, so dashboards see a 0. */
const CAMERA_STATES = ['idle', 'connecting', 'live', 'reconnecting', 'offline', 'ended', 'stopped'];
/** Routes that enroll a photo. */
const ENROLL_ROUTES = new Set(['/people', '/people/:id/faces']);

/**
 * The Prometheus registry of this app (not prom-client's global one, so two apps in one process
 * never collide). Counters the services keep anyway are read when scraped; only what exists
 * as events alone (recognition latency, outcomes, HTTP answers) is counted here.
 */
@Injectable()
export class MetricsService implements OnModuleInit, OnModuleDestroy {
  readonly registry = new Registry();
  private readonly fps = new RateWindow(FPS_WINDOW_MS);
  private subscriptions: Subscription[] = [];
  private readonly latency: Histogram;
  private readonly facesRecognized: Counter<'outcome'>;
  private readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  private readonly enrollments: Counter<'result'>;

  constructor(
    private readonly cameraService: CameraService,
    private readonly stream: StreamService,
    private readonly gallery: GalleryService,
    private readonly recognition: RecognitionService,
  ) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    const camera = this.cameraService;
    const stats = this.stream.stats;

    /** A counter whose value is read from a service when scraped. */
    const readCounter = (name: string, help: string, read: () => number) =>
      new Counter({
        name: PREFIX + name,
        help,
        registers,
        collect() {
          this.reset();
          this.inc(read());
        },
      });
    /** The same, split by one label: `read` gives the value of each label value. */
    const readLabelledCounter = (name: string, help: string, label: string, read: () => Record<string, number>) =>
      new Counter({
        name: PREFIX + name,
        help,
        labelNames: [label],
        registers,
        collect() {
          this.reset();
          for (const [value, count] of Object.entries(read())) this.labels(value).inc(count);
        },
      });
    const readGauge = (name: string, help: string, read: () => number) =>
      new Gauge({
        name: PREFIX + name,
        help,
        registers,
        collect() {
          this.set(read());
        },
      });

    readCounter('camera_frames_captured_total', 'Frames read from the camera', () => camera.getStatus().framesCaptured);
    readCounter('camera_reconnects_total', 'Times the camera source was reopened after a failure or an unexpected end', () => camera.getStatus().reconnects);
    readCounter('camera_corrupt_frames_total', 'Unreadable frames from the source, skipped', () => camera.getStatus().corruptFramesSkipped);
    readCounter('camera_read_timeouts_total', 'Times the source sent no frame within CAMERA_READ_TIMEOUT_MS and was reopened', () => camera.getStatus().readTimeouts);
    readGauge('camera_source_fps', 'Frame rate the camera source reports', () => camera.getStatus().fps);
    new Gauge({
      name: PREFIX + 'camera_state',
      help: 'Camera state: 1 for the current one',
      labelNames: ['state'],
      registers,
      collect() {
        const current = camera.getStatus().state;
        for (const state of new Set([...CAMERA_STATES, current])) this.labels(state).set(state === current ? 1 : 0);
      },
    });
    readCounter('frames_streamed_total', 'Frames drawn, encoded and sent to viewers', () => stats.framesOut);
    readCounter('frames_recognized_total', 'Frames that went through detection and recognition', () => stats.recognitionsRun);
    readCounter('recognitions_failed_total', 'Recognitions that failed (the stream goes on with the previous boxes)', () => stats.recognitionsFailed);
    readLabelledCounter(
      'frames_dropped_total',
      'Frames dropped, by stage: capture (skipped while the server was behind), recognition (replaced by a newer frame), render (queue full or failed)',
      'stage',
      () => ({ capture: camera.getStatus().framesSkipped, recognition: stats.recognitionDropped, render: stats.outputDropped }),
    );
    const fps = this.fps;
    readGauge('stream_fps', `Frames per second sent to viewers, over the last ${FPS_WINDOW_MS / 1000} s`, () => fps.ratePerSecond(performance.now()));
    readCounter('faces_detected_total', 'Faces found on recognised frames', () => stats.facesDetected);
    readCounter('faces_embedded_total', 'Faces embedded (the tracker skips faces whose identity is settled)', () => stats.facesEmbedded);
    readLabelledCounter(
      'tracked_faces_checked_total',
      'On frames not recognised, tracked faces checked by a quick detection around their box: found (drawn), missing (not drawn), or unchecked (drawing had fallen behind; drawn as predicted)',
      'result',
      () => ({ found: stats.tracksConfirmed, missing: stats.tracksHidden, unchecked: stats.tracksUnchecked }),
    );
    this.facesRecognized = new Counter({
      name: PREFIX + 'faces_recognized_total',
      help: 'Faces on recognised frames by outcome: known (named) or unknown',
      labelNames: ['outcome'],
      registers,
    });
    this.facesRecognized.labels('known').inc(0);
    this.facesRecognized.labels('unknown').inc(0);
    this.latency = new Histogram({
      name: PREFIX + 'recognition_latency_seconds',
      help: 'From frame capture to its recognition result',
      buckets: [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1, 2.5],
      registers,
    });
    readGauge('viewers', 'MJPEG viewers connected to /stream', () => stats.viewers);
    readCounter('frames_encoded_total', 'Output frames drawn and JPEG-encoded (once per frame, whatever the number of viewers)', () => stats.framesEncoded);
    readCounter('offline_frames_total', 'Camera-offline images sent while the camera was down', () => stats.placeholdersSent);
    readCounter('viewer_frames_dropped_total', 'Frames skipped for a viewer whose connection could not take them', () => stats.viewerFramesDropped);
    readGauge('gallery_people', 'People in the live gallery', () => this.gallery.peopleCount);
    readGauge('gallery_faces', 'Face samples in the live gallery', () => this.gallery.size);
    readGauge('vision_worker_up', '1 while the vision worker thread runs', () => (this.recognition.workerAlive ? 1 : 0));
    this.enrollments = new Counter({
      name: PREFIX + 'enrollments_total',
      help: 'Photo uploads to POST /people and POST /people/:id/faces, by result (enrolled or refused)',
      labelNames: ['result'],
      registers,
    });
    this.enrollments.labels('enrolled').inc(0);
    this.enrollments.labels('refused').inc(0);
    this.httpRequests = new Counter({
      name: PREFIX + 'http_requests_total',
      help: 'HTTP answers by method, route and status',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
  }

  onModuleInit(): void {
    this.subscriptions.push(
      this.stream.frames$.subscribe(() => this.fps.record(performance.now())),
      this.stream.recognitions$.subscribe((event) => {
        this.latency.observe(Math.max(0, event.recognizedAt - event.capturedAt) / 1000);
        let known = 0;
        for (const face of event.faces) if (face.personId !== null) known++;
        if (known) this.facesRecognized.labels('known').inc(known);
        if (event.faces.length - known) this.facesRecognized.labels('unknown').inc(event.faces.length - known);
      }),
    );
  }

  onModuleDestroy(): void {
    for (const subscription of this.subscriptions) subscription.unsubscribe();
    this.subscriptions = [];
  }

  /** Express middleware: counts every answer once it is sent. */
  countRequests(request: Request, response: Response, next: NextFunction): void {
    response.on('finish', () => {
      // The matched route's pattern, never the raw URL (which would make a label per id).
      const route = (request.route?.path as string | undefined) ?? 'unmatched';
      this.httpRequests.labels(request.method, route, String(response.statusCode)).inc();
      if (request.method === 'POST' && ENROLL_ROUTES.has(route)) {
        this.enrollments.labels(response.statusCode === 201 ? 'enrolled' : 'refused').inc();
      }
    });
    next();
  }

  metrics(): Promise<string> {
    return this.registry.metrics();
  }
}
