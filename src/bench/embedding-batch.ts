/**
 * `npm run bench -- batching`: does batching faces pay for the embedding model? The same faces
 * embedded one call per face and one call for all of them, interleaved so both see the same
 * machine load, in CPU time per face (the process does nothing else). This is what a batch of
 * faces from several cameras (bufferTime over the cameras' embedding requests) could save.
 */
import { availableParallelism, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { EDGEFACE_MODEL_FILE } from '../recognition/engines/yunet-edgeface.engine';
import { summarise } from './stats';

const HELP = `Usage: npm run bench -- batching [--rounds N] [--model FILE]
  --rounds N    rounds per batch size (default 60); each round embeds the batch both ways
  --model FILE  the ONNX embedding model (default: MODELS_DIR/${EDGEFACE_MODEL_FILE}), input [N, 3, 112, 112]`;

const BATCH_SIZES = [2, 4, 8];
const SIDE = 112;

function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/** Faces with varied pixels (the cost does not depend on them, but constant input could be special-cased). */
function faces(count: number): Float32Array {
  const data = new Float32Array(count * 3 * SIDE * SIDE);
  for (let i = 0; i < data.length; i++) data[i] = Math.sin(i * 0.37) * 0.9;
  return data;
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = cpuMs();
  await run();
  return cpuMs() - started;
}

export async function runBatchingBench(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { rounds: { type: 'string' }, model: { type: 'string' }, help: { type: 'boolean' } } });
  if (values.help) return void console.log(HELP);
  const rounds = Math.max(5, Number(values.rounds ?? 60));
  const model = resolve(values.model ?? join(process.env.MODELS_DIR ?? 'models', EDGEFACE_MODEL_FILE));
  // As the server runs it (onnx-embedder.ts): one thread, sequential.
  const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' });
  const input = session.inputNames[0];
  const run = (data: Float32Array, count: number) => session.run({ [input]: new ort.Tensor('float32', data, [count, 3, SIDE, SIDE]) });
  const loadBefore = loadavg()[0];
  for (let i = 0; i < 10; i++) await run(faces(1), 1); // warm-up
  console.log(`embedding ${model}: CPU ms per face, one call per face against one call per batch (${rounds} rounds each, interleaved)`);
  console.log(`machine: ${availableParallelism()} cores, load average ${loadBefore.toFixed(2)} at start`);
  for (const size of BATCH_SIZES) {
    const one = faces(1);
    const all = faces(size);
    const single: number[] = [];
    const batched: number[] = [];
    for (let r = 0; r < rounds; r++) {
      single.push(
        (await timed(async () => {
          for (let f = 0; f < size; f++) await run(one, 1);
        })) / size,
      );
      batched.push((await timed(() => run(all, size))) / size);
    }
    const s = summarise(single);
    const b = summarise(batched);
    const saved = 1 - b.median / s.median;
    console.log(`batch of ${size}: one call per face median ${s.median.toFixed(2)} ms (p95 ${s.p95.toFixed(2)}), batched ${b.median.toFixed(2)} ms (p95 ${b.p95.toFixed(2)}): ${(saved * 100).toFixed(1)} % saved`);
  }
  console.log(`load average ${loadavg()[0].toFixed(2)} at end`);
  await session.release();
}
