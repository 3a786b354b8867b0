import { existsSync } from 'node:fs';
import { Inject, Injectable } from '@nestjs/common';
import type { CameraDefinition } from '../../cameras/camera-definition.types';
import type { CameraOptions } from '../../camera/camera-capture';
import { parseCameraSource } from '../../camera/camera-source';
import { CapturePort } from '../../camera/capture.port';
import { EventBus } from '../../events/event-bus';
import type { InferenceOptions } from '../../recognition/inference/inference.protocol';
import { GalleryService } from '../../recognition/gallery.service';
import { RecognitionService } from '../../recognition/recognition.service';
import { counterFrom } from '../../tracking';
import { RenderClient } from '../render/render.client';
import { CameraPipeline } from './camera-pipeline';
import type { PipelineSettings, StreamDefaults } from './pipeline-settings';

export const STREAM_DEFAULTS = Symbol('STREAM_DEFAULTS');
export const CAPTURE_DEFAULTS = Symbol('CAPTURE_DEFAULTS');

/** Server-wide capture settings a camera's own ones (loop, pace) fall back to. */
export type CaptureDefaults = Omit<CameraOptions, 'source' | 'name'>;

/** Server-wide detection settings, for resolving a camera's overrides. */
export const DETECTION_DEFAULTS = Symbol('DETECTION_DEFAULTS');
export type DetectionDefaults = Pick<InferenceOptions, 'detectionWidth' | 'minScore' | 'smallFacePass'> & {
  motionGating: boolean;
  fullDetectionEveryMs: number;
};

/** Builds one pipeline per camera from its definition and the server's defaults. */
@Injectable()
export class PipelineFactory {
  /** One track-id sequence for all cameras: a track id names one face across the server. */
  private readonly newTrackId = counterFrom(1);

  constructor(
    private readonly capture: CapturePort,
    private readonly recognition: RecognitionService,
    private readonly gallery: GalleryService,
    private readonly renderer: RenderClient,
    private readonly events: EventBus,
    @Inject(STREAM_DEFAULTS) private readonly streamDefaults: StreamDefaults,
    @Inject(CAPTURE_DEFAULTS) private readonly captureDefaults: CaptureDefaults,
    @Inject(DETECTION_DEFAULTS) private readonly detectionDefaults: DetectionDefaults,
  ) {}

  /** The settings a camera runs with: its overrides over the server's. */
  settingsFor(camera: CameraDefinition): PipelineSettings {
    const d = this.streamDefaults;
    return {
      ...d,
      camera: camera.name,
      recognizeEveryN: camera.recognizeEveryN ?? d.recognizeEveryN,
      confirmTracks: camera.trackConfirmation ?? d.confirmTracks,
      jpegQuality: camera.jpegQuality ?? d.jpegQuality,
      privacy: camera.privacy ?? d.privacy,
      recognition: {
        camera: camera.name,
        detect: {
          detectionWidth: camera.detectionWidth ?? this.detectionDefaults.detectionWidth,
          minScore: camera.detectionMinScore ?? this.detectionDefaults.minScore,
          smallFacePass: camera.smallFacePass ?? this.detectionDefaults.smallFacePass,
          motionGating: (camera.motionGating ?? this.detectionDefaults.motionGating) ? { fullEveryMs: this.detectionDefaults.fullDetectionEveryMs } : undefined,
        },
        matchRule: this.recognition.ruleFor({ matchThreshold: camera.matchThreshold, matchFalseNameRate: camera.matchFalseNameRate }),
        minFacePx: camera.minFacePx ?? 0,
        zones: camera.privacyZones ?? [],
      },
    };
  }

  captureOptionsFor(camera: CameraDefinition): CameraOptions {
    return {
      ...this.captureDefaults,
      name: camera.name,
      source: parseCameraSource(camera.source, existsSync),
      loop: camera.loop ?? this.captureDefaults.loop,
      paced: camera.pace ?? this.captureDefaults.paced,
    };
  }

  create(camera: CameraDefinition): CameraPipeline {
    return new CameraPipeline(this.settingsFor(camera), {
      capture: this.capture.open(this.captureOptionsFor(camera)),
      recognition: this.recognition,
      gallery: this.gallery,
      renderer: this.renderer,
      events: this.events,
      newTrackId: this.newTrackId,
    });
  }
}
