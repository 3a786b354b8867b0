import { join } from 'node:path';
import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';

const PUBLIC_DIR = join(__dirname, 'public');

/** The browser page at `/`. */
@ApiExcludeController()
@Controller()
export class WebController {
  @Get()
  index(@Res() response: Response): void {
    response.sendFile(join(PUBLIC_DIR, 'index.html'));
  }
}
