/**
 * An embedding model of the user's own (EMBEDDING_MODEL): how its input is made and the id
 * that names its embedding space. Pure, apart from hashing the file (loadEmbeddingModelSpec).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';

export const CHANNEL_ORDERS = ['RGB', 'BGR'] as const;
export type ChannelOrder = (typeof CHANNEL_ORDERS)[number];

/** One value per channel, in the model's channel order. */
export type ChannelValues = [number, number, number];

/** How an aligned face becomes the model's input: NCHW float32, each value (pixel - mean) / std. */
export interface EmbeddingInput {
  /** Side of the square aligned face (the ArcFace template is scaled to it). */
  size: number;
  channelOrder: ChannelOrder;
  mean: ChannelValues;
  std: ChannelValues;
}

/** EdgeFace's input (and ArcFace-style models' in general): 112x112 RGB, x / 127.5 - 1. */
export const DEFAULT_EMBEDDING_INPUT: Readonly<EmbeddingInput> = Object.freeze<EmbeddingInput>({
  size: 112,
  channelOrder: 'RGB',
  mean: [127.5, 127.5, 127.5],
  std: [127.5, 127.5, 127.5],
});

export interface EmbeddingModelSpec {
  /** Absolute path of the ONNX file. */
  path: string;
  /** Names the embedding space: file name, content hash, and the input settings when not the defaults. */
  modelId: string;
  input: EmbeddingInput;
}

/** "127.5" or "123.7, 116.3, 103.5" → three numbers; null when it is neither. */
export function parseChannelValues(text: string): ChannelValues | null {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.length !== 1 && parts.length !== 3) return null;
  if (parts.some((p) => p === '' || !Number.isFinite(Number(p)))) return null;
  const values = parts.map(Number);
  return (values.length === 1 ? [values[0], values[0], values[0]] : values) as ChannelValues;
}

/**
 * `edgeface_xxs.onnx@37271abcf5d7`: the file's name and the first 12 hex digits of its SHA-256
 * (what `sha256sum` prints), so a changed file is a new model. Input settings other than the
 * defaults change the vectors too, so they add a short hash of themselves (`…@37271abcf5d7~1a2b3c`).
 */
export function embeddingModelId(fileName: string, contentSha256: string, input: EmbeddingInput): string {
  const id = `${fileName}@${contentSha256.slice(0, 12)}`;
  if (sameInput(input, DEFAULT_EMBEDDING_INPUT)) return id;
  const settings = createHash('sha256').update(JSON.stringify([input.size, input.channelOrder, input.mean, input.std])).digest('hex');
  return `${id}~${settings.slice(0, 6)}`;
}

/** Reads and hashes the model file (a 5–200 MB file: 10–400 ms, once at start). */
export function loadEmbeddingModelSpec(path: string, input: EmbeddingInput): EmbeddingModelSpec {
  const absolute = resolve(path);
  const sha256 = createHash('sha256').update(readFileSync(absolute)).digest('hex');
  return { path: absolute, modelId: embeddingModelId(basename(absolute), sha256, input), input };
}

/**
 * What is wrong with a model whose input tensor has this shape (from onnxruntime's metadata;
 * symbolic dimensions are strings), for these settings; undefined when it fits.
 */
export function inputShapeProblem(shape: readonly (number | string)[], input: EmbeddingInput): string | undefined {
  const shown = `[${shape.join(', ')}]`;
  if (shape.length !== 4) return `its input ${shown} is not an image batch [N, 3, height, width]`;
  const [, channels, height, width] = shape;
  if (typeof channels === 'number' && channels !== 3) return `its input ${shown} does not take 3 colour channels first (NCHW)`;
  for (const side of [height, width]) {
    if (typeof side === 'number' && side !== input.size) return `its input is ${shown} but EMBEDDING_INPUT_SIZE is ${input.size}`;
  }
  return undefined;
}

function sameInput(a: EmbeddingInput, b: EmbeddingInput): boolean {
  return a.size === b.size && a.channelOrder === b.channelOrder && a.mean.every((v, i) => v === b.mean[i]) && a.std.every((v, i) => v === b.std[i]);
}
