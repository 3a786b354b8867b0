import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { CameraRegistry } from '../cameras/camera-registry.service';
import { EventBus } from '../events/event-bus';
import type { CameraPipeline } from '../stream/pipeline/camera-pipeline';
import type { NextFunction, Request, Response } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Subscription } from 'rxjs';
import { GalleryService } from '../recognition/gallery.service';
import { RecognitionService } from '../recognition/recognition.service';
import { CameraRates } from './fps-window';

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
  private readonly fps = new CameraRates(FPS_WINDOW_MS);
  private subscriptions: Subscription[] = [];
  private fpsTimer?: NodeJS.Timeout;
  private readonly latency: Histogram<'camera'>;
  private readonly facesRecognized: Counter<'camera' | 'outcome'>;
  private readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  private readonly enrollments: Counter<'result'>;

  constructor(
    private readonly cameras: CameraRegistry,
    private readonly events: EventBus,
    private readonly gallery: GalleryService,
    private readonly recognition: RecognitionService,
  ) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    const pipelines = () => this.cameras.pipelines();

    /** A counter read from each camera when scraped, labelled with the camera's name. */
    const readCameraCounter = (name: string, help: string, read: (pipeline: CameraPipeline) => number) =>
      new Counter({
        name: PREFIX + name,
        help,
        labelNames: ['camera'],
        registers,
        collect() {
          this.reset();
          for (const pipeline of pipelines()) this.labels(pipeline.name).inc(read(pipeline));
        },
      });
    /** The same, split by one more label: `read` gives the value of each label value. */
    const readLabelledCameraCounter = (name: string, help: string, label: string, read: (pipeline: CameraPipeline) => Record<string, number>) =>
      new Counter({
        name: PREFIX + name,
        help,
        labelNames: ['camera', label],
        registers,
        collect() {
          this.reset();
          for (const pipeline of pipelines()) for (const [value, count] of Object.entries(read(pipeline))) this.labels(pipeline.name, value).inc(count);
        },
      });
    const readCameraGauge = (name: string, help: string, read: (pipeline: CameraPipeline) => number) =>
      new Gauge({
        name: PREFIX + name,
        help,
        labelNames: ['camera'],
        registers,
        collect() {
          this.reset();
          for (const pipeline of pipelines()) this.labels(pipeline.name).set(read(pipeline));
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
    const capture = (pipeline: CameraPipeline) => pipeline.captureStatus();

    readCameraCounter('camera_frames_captured_total', 'Frames read from the camera', (p) => capture(p).framesCaptured);
    readCameraCounter('camera_reconnects_total', 'Times the camera source was reopened after a failure or an unexpected end', (p) => capture(p).reconnects);
    readCameraCounter('camera_corrupt_frames_total', 'Unreadable frames from the source, skipped', (p) => capture(p).corruptFramesSkipped);
    readCameraCounter('camera_read_timeouts_total', 'Times the source sent no frame within CAMERA_READ_TIMEOUT_MS and was reopened', (p) => capture(p).readTimeouts);
    readCameraGauge('camera_source_fps', 'Frame rate the camera source reports', (p) => capture(p).fps);
    new Gauge({
      name: PREFIX + 'camera_state',
      help: 'Camera state: 1 for the current one',
      labelNames: ['camera', 'state'],
      registers,
      collect() {
        this.reset();
        for (const pipeline of pipelines()) {
          const current = pipeline.captureStatus().state;
          for (const state of new Set([...CAMERA_STATES, current])) this.labels(pipeline.name, state).set(state === current ? 1 : 0);
        }
      },
    });
    readCameraCounter('frames_streamed_total', 'Frames drawn, encoded and sent to viewers', (p) => p.stats.framesOut);
    readCameraCounter('frames_unwatched_total', 'Frames not drawn because nobody watched the camera', (p) => p.stats.framesUnwatched);
    readCameraCounter('frames_recognized_total', 'Frames that went through detection and recognition', (p) => p.stats.recognitionsRun);
    readCameraCounter('recognitions_failed_total', 'Recognitions that failed (the stream goes on with the previous boxes)', (p) => p.stats.recognitionsFailed);
    readLabelledCameraCounter(
      'frames_dropped_total',
      'Frames dropped, by stage: capture (skipped while the server was behind), recognition (replaced by a newer frame), render (queue full or failed)',
      'stage',
      (p) => ({ capture: capture(p).framesSkipped, recognition: p.stats.recognitionDropped, render: p.stats.outputDropped }),
    );
    const fps = this.fps;
    readCameraGauge('stream_fps', `Frames per second through the camera's pipeline, over the last ${FPS_WINDOW_MS / 1000} s`, (p) => fps.ratePerSecond(p.name, performance.now()));
    readLabelledCameraCounter(
      'detections_total',
      'Recognised frames by where detection looked (MOTION_GATING): the whole frame, only around the tracked faces, or nowhere (nothing tracked, nothing moved)',
      'scope',
      (p) => ({ ...p.stats.detections }),
    );
    readCameraCounter('faces_detected_total', 'Faces found on recognised frames', (p) => p.stats.facesDetected);
    readCameraCounter('faces_embedded_total', 'Faces embedded (the tracker skips faces whose identity is settled)', (p) => p.stats.facesEmbedded);
    readLabelledCameraCounter(
      'tracked_faces_checked_total',
      'On frames not recognised, tracked faces checked by a quick detection around their box: found (drawn), missing (not drawn), or unchecked (drawing had fallen behind; drawn as predicted)',
      'result',
      (p) => ({ found: p.stats.tracksConfirmed, missing: p.stats.tracksHidden, unchecked: p.stats.tracksUnchecked }),
    );
    this.facesRecognized = new Counter({
      name: PREFIX + 'faces_recognized_total',
      help: 'Faces on recognised frames by outcome: known (named) or unknown',
      labelNames: ['camera', 'outcome'],
      registers,
    });
    this.latency = new Histogram({
      name: PREFIX + 'recognition_latency_seconds',
      help: 'From frame capture to its recognition result',
      labelNames: ['camera'],
      buckets: [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1, 2.5],
      registers,
    });
    readCameraGauge('viewers', 'MJPEG viewers of the camera', (p) => p.stats.viewers);
    readCameraCounter('frames_encoded_total', 'Output frames drawn and JPEG-encoded (once per frame, whatever the number of viewers)', (p) => p.stats.framesEncoded);
    readCameraCounter('offline_frames_total', 'Camera-offline images sent while the camera was down', (p) => p.stats.placeholdersSent);
    readCameraCounter('viewer_frames_dropped_total', 'Frames skipped for a viewer whose connection could not take them', (p) => p.stats.viewerFramesDropped);
    readGauge('cameras', 'Cameras running on this node', () => pipelines().length);
    readGauge('gallery_people', 'People in the live gallery', () => this.gallery.peopleCount);
    readGauge('gallery_faces', 'Face samples in the live gallery', () => this.gallery.size);
    readGauge('vision_worker_up', '1 while the vision worker thread runs', () => (this.recognition.workerAlive ? 1 : 0));
    const engine = this.recognition;
    new Counter({
      name: PREFIX + 'embedding_batches_total',
      help: 'Calls to the embedding model (calls) for how many camera frames (requests): requests that wait for a call in flight go together in the next one',
      labelNames: ['count'],
      registers,
      collect() {
        this.reset();
        const { calls, requests } = engine.embeddingBatches;
        this.labels('calls').inc(calls);
        this.labels('requests').inc(requests);
      },
    });
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
    // Frame rates from frames through each pipeline (drawn or not: drawing follows the viewers).
    this.fpsTimer = setInterval(() => {
      const now = performance.now();
      for (const pipeline of this.cameras.pipelines()) this.fps.sample(pipeline.name, pipeline.stats.framesIn, now);
    }, 500);
    this.fpsTimer.unref();
    this.subscriptions.push(
      this.events.on('camera.changed').subscribe(({ camera, change }) => change === 'removed' && this.fps.forget(camera)),
      this.events.on('frame.recognized').subscribe((event) => {
        this.latency.labels(event.camera).observe(Math.max(0, event.recognizedAt - event.capturedAt) / 1000);
        let known = 0;
        for (const face of event.faces) if (face.personId !== null) known++;
        this.facesRecognized.labels(event.camera, 'known').inc(known);
        this.facesRecognized.labels(event.camera, 'unknown').inc(event.faces.length - known);
      }),
    );
  }

  onModuleDestroy(): void {
    clearInterval(this.fpsTimer);
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
