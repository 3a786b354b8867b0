#!/usr/bin/env node
/**
 * `face-stream` / `npm run cli -- <command>`: the server's recognition and people services
 * from the command line (compare, verify-pairs, recognize, enroll, identify; migrate-store). Same engine,
 * thresholds and DATA_DIR as the server, from the same environment variables; never starts
 * the camera. Results go to stdout, logs and the progress bar to stderr.
 */
import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { describeError } from '../common/worker-rpc';
import { CliError, EXIT_FAILURE, EXIT_USAGE } from './cli-errors';
import { compareCommand } from './commands/compare';
import { enrollCommand } from './commands/enroll';
import { identifyCommand } from './commands/identify';
import { migrateStoreCommand } from './commands/migrate-store';
import { recognizeCommand } from './commands/recognize';
import { verifyPairsCommand } from './commands/verify-pairs';

const ENVIRONMENT_HELP = `
Configuration comes from the same environment variables as the server (see the README), e.g.
  RECOGNITION_ENGINE   yunet-edgeface (default) or human
  MATCH_THRESHOLD      fixed similarity needed to name a face (default: follows the gallery's size)
  MATCH_FALSE_NAME_RATE  share of strangers that may be named when the threshold follows the gallery (0.01)
  EMBEDDING_MODEL      an ONNX embedding model of your own (fit its tail once: identify DIR --fit)
  DATA_DIR             the people database and stored photos (default: data)
  DATABASE_URL         postgres://… : the store is that PostgreSQL database instead
  MODELS_DIR           the ONNX models (default: the models folder next to the program)

Exit codes: 0 done, 1 the command failed, 2 bad usage (unknown option, missing file or folder).`;

function integer(min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`expected an integer >= ${min}`);
    return n;
  };
}

function number(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max) throw new InvalidArgumentError(`expected a number from ${min} to ${max}`);
    return n;
  };
}

function range(value: string): [number, number, number] {
  const parts = value.split(':').map(Number);
  if (parts.length !== 3 || parts.some((n) => !Number.isFinite(n)) || !(parts[2] > 0) || parts[1] < parts[0]) {
    throw new InvalidArgumentError('expected FROM:TO:STEP with FROM <= TO and STEP > 0, e.g. 0.20:0.50:0.02');
  }
  return parts as [number, number, number];
}

export function buildProgram(): Command {
  const program = new Command('face-stream')
    .description("Face recognition from the command line, on the live server's engine, thresholds and people database.")
    .option('-v, --verbose', 'show the services\' log lines (on stderr)')
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', ENVIRONMENT_HELP)
    .exitOverride();
  const globals = (command: Command) => command.optsWithGlobals() as { verbose?: boolean };

  program
    .command('compare')
    .description('similarity of the largest face in two photos, and whether they are the same person at the configured threshold')
    .argument('<A>', 'first photo')
    .argument('<B>', 'second photo')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExample:\n  npm run cli -- compare alice1.jpg alice2.jpg')
    .action((a: string, b: string, options: { json?: boolean }, command: Command) => compareCommand(a, b, { ...globals(command), ...options }));

  program
    .command('verify-pairs')
    .description('LFW-protocol face verification: accuracy, threshold, TPR at FAR 0.1 % and 1 %, faces missed, time per image')
    .argument('<PAIRS>', 'pairs file in LFW format: "name n1 n2" (same) or "name1 n1 name2 n2" (different), optional header "folds count"')
    .argument('<IMAGES_DIR>', 'images in LFW layout: <name>/<name>_0001.jpg')
    .option('--folds <n>', "cross-validation folds (default: the file's own folds when its header describes them, else 10 inside the list)", integer(2))
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExample:\n  npm run cli -- verify-pairs ../shared/testdata/lfw-fold1/pairs.txt ../shared/testdata/lfw-fold1/images')
    .action((pairs: string, images: string, options: { folds?: number; json?: boolean }, command: Command) =>
      verifyPairsCommand(pairs, images, { ...globals(command), ...options }),
    );

  program
    .command('recognize')
    .description("every face in a photo with its box, name (or Unknown), similarity and confidence, as JSON, against DATA_DIR's people")
    .argument('<IMAGE>', 'photo or video still')
    .addHelpText('after', '\nExample:\n  DATA_DIR=data npm run cli -- recognize frame.jpg')
    .action((image: string, _options: unknown, command: Command) => recognizeCommand(image, globals(command)));

  program
    .command('enroll')
    .description("enroll a folder of photos into DATA_DIR's database, as the REST API would, and list what was skipped and why")
    .argument('<DIR>', 'one folder per person (<name>/<photos>), or one photo per person named after them (<name>.jpg)')
    .option('--json', 'print the summary as JSON')
    .addHelpText(
      'after',
      '\nA photo must show one face, or one that clearly dominates. Photos enrolled already (same bytes) are\n' +
        'skipped as duplicates; a person who exists gets the new photos as more faces.\n' +
        'Skip reasons: no face, several faces, too small, bad file, duplicate, bad name.\n\n' +
        'Example:\n  DATA_DIR=data npm run cli -- enroll ./people',
    )
    .action((dir: string, options: { json?: boolean }, command: Command) => enrollCommand(dir, { ...globals(command), ...options }));

  program
    .command('identify')
    .description('open-set identification on a labelled photo folder: rank-1, named right, wrong names, strangers named, threshold sweep')
    .argument('<IMAGES_DIR>', 'one folder per person (<name>/<photos>), e.g. LFW')
    .addOption(new Option('--enroll-per-person <n>', 'photos enrolled per person (people with more photos than this are enrolled)').argParser(integer(1)).default(1))
    .option('--threshold <t>', 'similarity needed to name a face (default: the configured one)', number(-1, 1))
    .option('--margin <m>', 'lead the best person needs over the runner-up (default: the configured one)', number(0, 2))
    .addOption(new Option('--sweep <from:to:step>', 'thresholds of the sweep table').argParser(range).default([0.2, 0.5, 0.02], '0.20:0.50:0.02'))
    .option('--json', 'print the result as JSON')
    .option('--fit', "fit EMBEDDING_MODEL's different-person tail on the folder and write it next to the model (<model>.tail.json)")
    .addHelpText(
      'after',
      '\nThe gallery lives in memory only: the database is not opened. Probes are the other photos of the\n' +
        'enrolled people (known) and every photo of everyone else (strangers).\n' +
        'A model of your own (EMBEDDING_MODEL) needs its tail fitted once, on 100+ photos of 20+ people\n' +
        '(5,000+ different-person pairs), before the server names faces with it.\n\n' +
        'Examples:\n  npm run cli -- identify ../shared/testdata/lfw-fold1/images --threshold 0.3\n' +
        '  EMBEDDING_MODEL=my-model.onnx npm run cli -- identify ../shared/testdata/lfw-fold1/images --fit',
    )
    .action((dir: string, options: Omit<Parameters<typeof identifyCommand>[1], 'verbose'>, command: Command) =>
      identifyCommand(dir, { ...globals(command), ...options }),
    );

  program
    .command('migrate-store')
    .description("copy DATA_DIR's SQLite store (people, faces, photos, sightings, inbox, cameras, audit) into PostgreSQL")
    .requiredOption('--to <url>', 'the PostgreSQL database, postgres://user:password@host:port/database (migrated first)')
    .option('--json', 'print the summary as JSON')
    .addHelpText(
      'after',
      '\nIds are kept, so running it again copies nothing twice; the target must be empty or filled by this\n' +
        'command. Then start the server with DATABASE_URL set to the same URL.\n\n' +
        'Example:\n  DATA_DIR=data npm run cli -- migrate-store --to postgres://face:secret@db:5432/face',
    )
    .action((options: { to: string; json?: boolean }) => migrateStoreCommand(options));

  return program;
}

async function main(argv: string[]): Promise<void> {
  // `face-stream ... | head`: a reader that stops early is not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(process.exitCode ?? 0);
  });
  // The models ship with the program: find them wherever it is started from.
  const bundledModels = resolve(__dirname, '..', '..', 'models');
  if (!process.env.MODELS_DIR && existsSync(bundledModels)) process.env.MODELS_DIR = bundledModels;

  const program = buildProgram();
  if (argv.length <= 2) {
    program.outputHelp({ error: true });
    process.exitCode = EXIT_USAGE;
    return;
  }
  await program.parseAsync(argv);
}

main(process.argv).catch((err: unknown) => {
  if (err instanceof CommanderError) {
    // Commander has printed the help or the error already.
    process.exitCode = err.exitCode === 0 ? 0 : EXIT_USAGE;
    return;
  }
  console.error(`face-stream: ${describeError(err)}`);
  process.exitCode = err instanceof CliError ? err.exitCode : EXIT_FAILURE;
});
