import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TESTDATA } from './paths';
import { RunningServer, withAdminKey } from './server-process';

/** The shared enrollment photo of a person of the demo recording (testdata/video/enroll). */
export const enrollmentPhoto = (name: string) => readFileSync(join(TESTDATA, 'video', 'enroll', `${name}.jpg`));

/** Enrolls `name` on a running server from its shared photo, as an admin; fails the test unless 201. */
export async function enrollFromTestdata<T = { id: number; faces: Array<{ id: number; thumbnailUrl: string }> }>(server: RunningServer, name: string): Promise<T> {
  const form = new FormData();
  form.append('name', name);
  form.append('image', new Blob([enrollmentPhoto(name)]), 'photo.jpg');
  const reply = await fetch(`${server.url}/people`, { method: 'POST', headers: withAdminKey(), body: form });
  expect(reply.status).toBe(201);
  return reply.json() as Promise<T>;
}
