import { Injectable, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AppConfig } from '../config/app-config';
import { CameraCapture, CameraOptions } from './camera-capture';
import { CaptureSession } from './capture-session';
import { CapturePort, FrameSource } from './capture.port';
import { FfmpegSession } from './ffmpeg/ffmpeg-session';

/** Capture through an `ffmpeg` child process per camera (the default: no runtime in the child). */
@Injectable()
export class FfmpegCapture extends CapturePort {
  open(options: CameraOptions): FrameSource {
    return new CameraCapture(options, (source, sessionOptions) => new FfmpegSession(source, sessionOptions));
  }
}

/** Capture through a Node.js child process per camera that reads with OpenCV (see capture-session.ts). */
@Injectable()
export class OpenCvCapture extends CapturePort {
  open(options: CameraOptions): FrameSource {
    return new CameraCapture(options, (source, sessionOptions) => new CaptureSession(source, sessionOptions));
  }
}

/** Camera capture: one source opened per camera, behind the CapturePort. */
@Module({
  providers: [
    FfmpegCapture,
    OpenCvCapture,
    {
      provide: CapturePort,
      inject: [ConfigService, FfmpegCapture, OpenCvCapture],
      useFactory: (config: ConfigService<AppConfig, true>, ffmpeg: FfmpegCapture, opencv: OpenCvCapture) =>
        config.get('CAPTURE_BACKEND', { infer: true }) === 'opencv' ? opencv : ffmpeg,
    },
  ],
  exports: [CapturePort],
})
export class CameraModule {}
