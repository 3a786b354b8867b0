import { INestApplication, ValidationPipe } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AccessService } from './auth/access.service';
import { API_KEY_HEADER } from './auth/api-key';
import { applyHttpSecurity } from './auth/http-security';
import { documentAccess } from './auth/openapi-security';
import { SocketAccessAdapter } from './auth/socket-access.adapter';
import { SocketCluster } from './cluster-events/socket-cluster';
import type { AppConfig } from './config/app-config';

/** What main.ts and the tests both apply to a Nest application (before listen). */
export function configureApp(app: INestApplication): void {
  const config = app.get<ConfigService<AppConfig, true>>(ConfigService);
  applyHttpSecurity(app, config.get('CORS_ORIGINS', { infer: true }));
  const access = app.get(AccessService);
  // Socket.IO follows the same access rule and CORS_ORIGINS as HTTP; on a shared PostgreSQL it carries every node's events.
  app.useWebSocketAdapter(new SocketAccessAdapter(app, access, socketClusterOf(app)?.adapter));
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Face stream')
      .setDescription(
        'Live face recognition: an annotated MJPEG stream of the camera, the library of enrolled people, ' +
          'and real-time recognition events over Socket.IO (see the README for the event payloads). ' +
          `Reads need the viewer or admin key, changes the admin key, in the \`${API_KEY_HEADER}\` header (use Authorize), ` +
          'or the console session cookie (sign in at /login). See the README\'s Security section.',
      )
      .setVersion('1.0')
      .build(),
  );
  SwaggerModule.setup('docs', app, documentAccess(document, access.options), {
    jsonDocumentUrl: 'docs/openapi.json',
    swaggerOptions: { persistAuthorization: true },
  });
}

/** The cluster's Socket.IO adapter, when the app has one (test apps built from a few modules do not). */
function socketClusterOf(app: INestApplication): SocketCluster | undefined {
  try {
    return app.get(SocketCluster, { strict: false });
  } catch {
    return undefined;
  }
}
