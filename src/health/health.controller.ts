import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { CameraService } from '../camera/camera.service';
import { ShutdownState } from '../lifecycle/shutdown-state';
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
    private readonly camera: CameraService,
    private readonly recognition: RecognitionService,
    private readonly shutdown: ShutdownState,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Health of the database, the camera and the recognition worker',
    description:
      '200 when the database answers, the camera is live (or a non-looping file has ended) and the vision worker runs; ' +
      '503 with the same body otherwise, including while the camera reconnects and while the server shuts down. ' +
      'A dead worker cannot be restarted in-process: a supervisor should restart the process on a lasting 503.',
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
  check() {
    return this.health.check([
      () => this.database.pingCheck('database').withTimeout(1500),
      () => {
        const status = this.camera.getStatus();
        const data = { state: status.state, source: status.source, reconnects: status.reconnects, ...(status.lastError ? { lastError: status.lastError } : {}) };
        const camera = this.indicators.check('camera');
        return isCameraHealthy(status.state) ? camera.up(data) : camera.down(data);
      },
      () => {
        const worker = this.indicators.check('worker');
        return this.recognition.workerAlive ? worker.up({ alive: true }) : worker.down({ alive: false });
      },
      () => {
        const server = this.indicators.check('server');
        return this.shutdown.shuttingDown ? server.down({ shuttingDown: true }) : server.up({ shuttingDown: false });
      },
    ]);
  }
}
