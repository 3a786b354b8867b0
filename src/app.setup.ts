import { INestApplication, ValidationPipe } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { API_KEY_HEADER, API_KEY_SCHEME } from './auth/api-key';
import { applyHttpSecurity } from './auth/http-security';
import { documentApiKey } from './auth/openapi-security';
import type { AppConfig } from './config/app-config';

/** What main.ts and the tests both apply to a Nest application (before listen). */
export function configureApp(app: INestApplication): void {
  const config = app.get<ConfigService<AppConfig, true>>(ConfigService);
  applyHttpSecurity(app, config.get('CORS_ORIGINS', { infer: true }));
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Face stream')
      .setDescription(
        'Live face recognition: an annotated MJPEG stream of the camera, the library of enrolled people, ' +
          'and real-time recognition events over Socket.IO (see the README for the event payloads). ' +
          `Routes that change data need the admin API key in the \`${API_KEY_HEADER}\` header: use Authorize.`,
      )
      .setVersion('1.0')
      .addApiKey({ type: 'apiKey', in: 'header', name: API_KEY_HEADER }, API_KEY_SCHEME)
      .build(),
  );
  SwaggerModule.setup('docs', app, documentApiKey(document, config.get('PROTECT_READS', { infer: true })), {
    jsonDocumentUrl: 'docs/openapi.json',
    swaggerOptions: { persistAuthorization: true },
  });
}
