import { Controller, Get, Inject, Optional, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { authOf } from '../auth/request-auth';
import { CameraRegistry } from '../cameras/camera-registry.service';
import { ShutdownState } from '../lifecycle/shutdown-state';
import { mqttHealthOf } from '../mqtt/mqtt-health';
import { MqttPort } from '../mqtt/mqtt.port';
import { RecognitionService } from '../recognition/recognition.service';
import { isCameraHealthy } from './health-rules';

const EXAMPLE_DETAILS = {
  database: { status: 'up' },
  camera: { status: 'up', state: 'live', source: 'file assets/demo-camera.mp4', reconnects: 0 },
  worker: { status: 'up', alive: true },
  server: { status: 'up', shuttingDown: false },
};

@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly cameras: CameraRegistry,
    private readonly recognition: RecognitionService,
    private readonly shutdown: ShutdownState,
    /** Null when MQTT is off (then not reported). */
    @Optional() @Inject(MqttPort) private readonly mqtt: MqttPort | null = null,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Health of the database, the camera and the recognition worker',
    description:
      '200 when the database answers, the camera is live (or a non-looping file has ended) and the vision worker runs; ' +
      '503 with the same body otherwise, including while the camera reconnects and while the server shuts down. ' +
      'A dead worker cannot be restarted in-process: a supervisor should restart the process on a lasting 503. ' +
      'With MQTT on, `mqtt` is `degraded` while the broker is away: the status becomes `degraded`, still 200. ' +
      'Public; the cameras\u2019 names and errors only for a caller with a key or session.',
  })
  @ApiOkResponse({ description: 'Everything is up', schema: { example: { status: 'ok', info: EXAMPLE_DETAILS, error: {}, details: EXAMPLE_DETAILS } } })
  @ApiServiceUnavailableResponse({
    description: 'Something is down',
    schema: {
      example: {
        status: 'error',
        info: { database: { status: 'up' } },
        error: { camera: { status: 'down', state: 'reconnecting', lastError: 'cannot open source' } },
        details: {},
      },
    },
  })
  check(@Req() request: unknown) {
    // Public, so it names nothing without credentials: no camera names, no errors (which can quote a source URL).
    const detailed = authOf(request).role !== 'anonymous';
    return this.health.check([
      () => this.database.pingCheck('database').withTimeout(1500),
      () => {
        // Every running camera must deliver; `state` is the first troubled camera's (else the first camera's).
        const cameras = this.cameras.pipelines().map((pipeline) => ({ name: pipeline.name, status: pipeline.captureStatus() }));
        const troubled = cameras.filter(({ status }) => !isCameraHealthy(status.state));
        const shown = troubled[0] ?? cameras[0];
        const data = {
          state: shown?.status.state ?? 'none',
          ...(detailed && shown?.status.lastError && troubled.length ? { lastError: shown.status.lastError } : {}),
          ...(detailed ? { cameras: Object.fromEntries(cameras.map(({ name, status }) => [name, { state: status.state, reconnects: status.reconnects }])) } : {}),
        };
        const indicator = this.indicators.check('camera');
        return troubled.length === 0 ? indicator.up(data) : indicator.down(data);
      },
      () => {
        const worker = this.indicators.check('worker');
        return this.recognition.workerAlive ? worker.up({ alive: true }) : worker.down({ alive: false });
      },
      () => {
        const server = this.indicators.check('server');
        return this.shutdown.shuttingDown ? server.down({ shuttingDown: true }) : server.up({ shuttingDown: false });
      },
      // MQTT is an extra channel: a lost broker shows as `degraded` (still 200), never as down.
      ...(this.mqtt ? [() => this.mqttIndicator(this.mqtt!)] : []),
    ]);
  }

  private mqttIndicator(mqtt: MqttPort) {
    const { status, data } = mqttHealthOf(mqtt.state, mqtt.counters());
    const indicator = this.indicators.check('mqtt');
    return status === 'up' ? indicator.up(data) : indicator.degraded(data);
  }
}
