import { Injectable, ServiceUnavailableException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Request, Response } from 'express';
import type { AppConfig } from '../config/app-config';
import type { CameraPipeline } from '../stream/pipeline/camera-pipeline';
import { CameraLocations } from './camera-locations';
import { CameraRegistry } from './camera-registry.service';
import { isProxied, passToNode } from './node-proxy';

/** The parts of a camera that can be served from whichever node runs it. */
export type CameraResource = 'stream' | 'snapshot.jpg' | 'stats';

/**
 * Where a request for a camera's stream, snapshot or counters is answered: here when this node runs
 * the camera, otherwise by the node that does (several nodes on one PostgreSQL), or a 503.
 */
@Injectable()
export class CameraRouter {
  private readonly nodeName: string;

  constructor(
    private readonly cameras: CameraRegistry,
    private readonly locations: CameraLocations,
    config: ConfigService<AppConfig, true>,
  ) {
    this.nodeName = config.get('NODE_NAME', { infer: true });
  }

  /**
   * The camera /stream shows: the first enabled camera in the list, wherever it runs, so that every
   * node shows the same one (on one node: the first running camera, as always).
   */
  firstCamera(): string {
    const first = this.cameras.list().find(({ definition }) => definition.enabled);
    if (!first) throw new ServiceUnavailableException('no camera is running');
    return first.definition.name;
  }

  /**
   * The camera's pipeline when this node runs it; otherwise the request is passed to the node that
   * does, at that camera's own path (undefined: answered), or refused with a 503 when none does.
   */
  runningHere(name: string, resource: CameraResource, request: Request, response: Response): CameraPipeline | undefined {
    const { definition, pipeline } = this.cameras.get(name);
    if (pipeline) return pipeline;
    if (!definition.enabled) throw new ServiceUnavailableException(`camera "${name}" is disabled`);
    const owner = this.locations.of(name);
    // A request passed on already is not passed on again: two nodes' views may briefly disagree.
    if (!owner || isProxied(request)) throw new ServiceUnavailableException(`no node runs camera "${name}" right now`);
    const query = request.originalUrl.includes('?') ? request.originalUrl.slice(request.originalUrl.indexOf('?')) : '';
    passToNode(owner, name, `/cameras/${encodeURIComponent(name)}/${resource}${query}`, request, response, this.nodeName);
    return undefined;
  }
}
