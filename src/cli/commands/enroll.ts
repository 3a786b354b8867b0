import { resolve } from 'node:path';
import { ConflictException, HttpException, UnprocessableEntityException } from '@nestjs/common';
import { PeopleService } from '../../people/people.service';
import { personNameProblem } from '../../people/person-name';
import { RecognitionService } from '../../recognition/recognition.service';
import { configOf, runInContext, uploadLimitsOf, type GlobalOptions } from '../cli-context';
import { CliError, messageOf } from '../cli-errors';
import { listPeople, readLimited, requireDir } from '../files';
import { printJson } from '../format';
import { progressBar } from '../progress';

export interface EnrollOptions extends GlobalOptions {
  json?: boolean;
}

export const SKIP_REASONS = ['no face', 'several faces', 'too small', 'bad file', 'duplicate', 'bad name', 'failed'] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

const REASON_TEXT: Record<SkipReason, string> = {
  'no face': 'no face found',
  'several faces': 'several faces and none dominates',
  'too small': 'face too small (ENROLL_MIN_FACE_PX)',
  'bad file': 'bad file (not a usable image)',
  duplicate: 'duplicate (already enrolled)',
  'bad name': 'bad name (not usable as a person name)',
  failed: 'failed',
};

interface Skipped {
  file: string;
  person: string;
  reason: SkipReason;
  message: string;
}

interface EnrolledPerson {
  name: string;
  personId: number;
  photos: number;
  /** False when the person was in the database before this run and got more photos. */
  newPerson: boolean;
}

/** Longer lists are summarised by their counts in the text output (JSON always has everything). */
const MAX_LISTED_PEOPLE = 50;

/**
 * `enroll DIR`: every photo of DIR enrolled into DATA_DIR's database through PeopleService,
 * the server's own enrollment (same checks, same transaction, same stored files), one photo
 * at a time. A photo whose bytes are enrolled already is skipped; a person who exists gets
 * the photo as another face. As in FACES_DIR, a file cannot say which face it means: a photo
 * is enrolled when it shows one face or one that clearly dominates.
 */
export async function enrollCommand(dir: string, options: EnrollOptions): Promise<void> {
  await requireDir(dir, 'folder');
  const people = await listPeople(dir);
  const files = people.reduce((n, p) => n + p.files.length, 0);
  if (files === 0) throw new CliError(`no photos in ${dir}: expected one folder per person, or one photo per person named after them`);

  await runInContext({ people: true, verbose: options.verbose }, async (app) => {
    const service = app.get(PeopleService);
    const recognition = app.get(RecognitionService);
    const { maxBytes } = uploadLimitsOf(app);
    const enrolled: EnrolledPerson[] = [];
    const skipped: Skipped[] = [];
    const progress = progressBar(files, 'enrolling');
    try {
      for (const { name: rawName, files: photos } of people) {
        const name = rawName.trim();
        const nameProblem = personNameProblem(name);
        let record: EnrolledPerson | undefined;
        for (const file of photos) {
          progress.tick(file);
          if (nameProblem) {
            skipped.push({ file, person: rawName, reason: 'bad name', message: nameProblem });
            continue;
          }
          try {
            const bytes = await readLimited(file, maxBytes);
            if (await service.isEnrolled(bytes)) {
              skipped.push({ file, person: name, reason: 'duplicate', message: 'this photo is enrolled already' });
              continue;
            }
            const existing = await service.findByName(name);
            const { person } = existing ? await service.addFace(existing.id, bytes) : await service.create(name, bytes);
            record ??= { name: person.name, personId: person.id, photos: 0, newPerson: !existing };
            record.photos++;
          } catch (err) {
            // A dead engine would fail every photo that follows: stop instead.
            if (!recognition.workerAlive) throw err;
            skipped.push({ file, person: name, ...skipReasonOf(err) });
          }
        }
        if (record) enrolled.push(record);
      }
    } finally {
      progress.stop();
    }
    report(resolve(configOf(app).get('DATA_DIR', { infer: true })), enrolled, skipped, options);
  });
}

/** Which of the summary's reasons an enrollment refusal is, with its message. */
export function skipReasonOf(err: unknown): { reason: SkipReason; message: string } {
  const message = messageOf(err);
  if (err instanceof UnprocessableEntityException) {
    const response = err.getResponse();
    if (typeof response === 'object' && response !== null && 'faces' in response) return { reason: 'several faces', message };
    if (/too small/.test(message)) return { reason: 'too small', message };
    if (/no face/.test(message)) return { reason: 'no face', message };
    return { reason: 'failed', message };
  }
  if (err instanceof ConflictException) return { reason: 'duplicate', message };
  // 400, 413, 415: empty, truncated, undecodable, not an image, too large; or unreadable from disk.
  if (err instanceof HttpException || err instanceof CliError) return { reason: 'bad file', message };
  return { reason: 'failed', message };
}

function report(dataDir: string, enrolled: EnrolledPerson[], skipped: Skipped[], options: EnrollOptions): void {
  const photos = enrolled.reduce((n, p) => n + p.photos, 0);
  const byReason = SKIP_REASONS.map((reason) => ({ reason, items: skipped.filter((s) => s.reason === reason) })).filter(
    (group) => group.items.length > 0,
  );
  if (options.json) {
    printJson({
      dataDir,
      enrolledPhotos: photos,
      enrolledPeople: enrolled.length,
      people: enrolled,
      skippedPhotos: skipped.length,
      skippedByReason: Object.fromEntries(byReason.map((g) => [g.reason, g.items.length])),
      skipped,
    });
    return;
  }
  const newPeople = enrolled.filter((p) => p.newPerson).length;
  const more = enrolled.length - newPeople;
  console.log(
    `enrolled ${photos} photo(s) of ${enrolled.length} people into ${dataDir}` +
      ` (${newPeople} new${more ? `, ${more} already enrolled given more photos` : ''})`,
  );
  if (enrolled.length <= MAX_LISTED_PEOPLE) {
    for (const p of enrolled) console.log(`  ${p.name} (#${p.personId}): ${p.photos} photo(s)${p.newPerson ? '' : ', added to the existing person'}`);
  }
  if (skipped.length === 0) return console.log('skipped nothing');
  console.log(`skipped ${skipped.length} photo(s):`);
  for (const group of byReason) {
    console.log(`  ${REASON_TEXT[group.reason]}: ${group.items.length}`);
    for (const item of group.items) console.log(`    ${item.file}: ${item.message}`);
  }
}
