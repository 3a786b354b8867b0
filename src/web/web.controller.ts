import { join } from 'node:path';
import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';

const PUBLIC_DIR = join(__dirname, 'public');
/** The compiled browser code (src/web/client, built by `npm run build`). */
const SCRIPTS_DIR = join(PUBLIC_DIR, 'js');
/** Plain file names only: no path can climb out of the folders above. */
const ASSET_NAME = /^[\w-]+(\.[\w-]+)*\.(css|js|map)$/;

/** The console page at `/` and its static files (no inline script: the page works under a strict CSP). */
@ApiExcludeController()
@Controller()
export class WebController {
  @Get()
  index(@Res() response: Response): void {
    response.sendFile(join(PUBLIC_DIR, 'index.html'));
  }

  @Get('assets/js/:file')
  script(@Param('file') file: string, @Res() response: Response): void {
    this.send(SCRIPTS_DIR, file, response);
  }

  @Get('assets/:file')
  asset(@Param('file') file: string, @Res() response: Response): void {
    this.send(PUBLIC_DIR, file, response);
  }

  private send(root: string, file: string, response: Response): void {
    if (!ASSET_NAME.test(file)) throw new NotFoundException(`no asset ${file}`);
    response.sendFile(file, { root, maxAge: 0 }, (err) => {
      if (err && !response.headersSent) response.status(404).json({ statusCode: 404, message: `no asset ${file}`, error: 'Not Found' });
    });
  }
}
