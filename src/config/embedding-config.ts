import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { EngineName } from '../recognition/face.types';
import { DEFAULT_EMBEDDING_INPUT, parseChannelValues, type ChannelOrder, type EmbeddingInput } from '../recognition/engines/embedding-model';

/** The settings of an embedding model of your own (fields of AppConfig). */
export interface EmbeddingSettings {
  RECOGNITION_ENGINE: EngineName;
  EMBEDDING_MODEL?: string;
  EMBEDDING_INPUT_SIZE?: number;
  EMBEDDING_CHANNEL_ORDER?: ChannelOrder;
  EMBEDDING_MEAN?: string;
  EMBEDDING_STD?: string;
  EMBEDDING_TAIL_FILE?: string;
}

/** Settings that only describe EMBEDDING_MODEL: meaningless without it. */
const DESCRIBING_SETTINGS = ['EMBEDDING_INPUT_SIZE', 'EMBEDDING_CHANNEL_ORDER', 'EMBEDDING_MEAN', 'EMBEDDING_STD', 'EMBEDDING_TAIL_FILE'] as const;

/** All of them, none with a default in AppConfig (unset means "not this feature"). */
export const EMBEDDING_SETTINGS = ['EMBEDDING_MODEL', ...DESCRIBING_SETTINGS] as const;

/** What is wrong with the embedding settings (one line naming the setting), or undefined. */
export function embeddingConfigProblem(config: EmbeddingSettings): string | undefined {
  const model = config.EMBEDDING_MODEL;
  if (model === undefined) {
    const stray = DESCRIBING_SETTINGS.find((name) => config[name] !== undefined);
    return stray && `${stray} describes EMBEDDING_MODEL, which is not set`;
  }
  if (config.RECOGNITION_ENGINE !== 'yunet-edgeface') {
    return `EMBEDDING_MODEL replaces the embedding of the yunet-edgeface engine; RECOGNITION_ENGINE=${config.RECOGNITION_ENGINE} has its own`;
  }
  const stats = statSync(resolve(model), { throwIfNoEntry: false });
  if (!stats) return `EMBEDDING_MODEL=${JSON.stringify(model)}: no such file (an ONNX embedding model; relative paths are from ${process.cwd()})`;
  if (!stats.isFile()) return `EMBEDDING_MODEL=${JSON.stringify(model)}: not a file (an ONNX embedding model)`;
  for (const name of ['EMBEDDING_MEAN', 'EMBEDDING_STD'] as const) {
    const text = config[name];
    if (text === undefined) continue;
    const values = parseChannelValues(text);
    if (!values) return `${name}=${JSON.stringify(text)}: expected one number, or three comma-separated numbers in the model's channel order`;
    if (name === 'EMBEDDING_STD' && values.some((v) => !(v > 0))) return `EMBEDDING_STD=${JSON.stringify(text)}: must be greater than 0`;
  }
  return undefined;
}

/** The input described by the settings, defaults (EdgeFace's: 112 px, RGB, x / 127.5 - 1) where unset. Call after validation. */
export function embeddingInputOf(config: EmbeddingSettings): EmbeddingInput {
  return {
    size: config.EMBEDDING_INPUT_SIZE ?? DEFAULT_EMBEDDING_INPUT.size,
    channelOrder: config.EMBEDDING_CHANNEL_ORDER ?? DEFAULT_EMBEDDING_INPUT.channelOrder,
    mean: config.EMBEDDING_MEAN === undefined ? [...DEFAULT_EMBEDDING_INPUT.mean] : parseChannelValues(config.EMBEDDING_MEAN)!,
    std: config.EMBEDDING_STD === undefined ? [...DEFAULT_EMBEDDING_INPUT.std] : parseChannelValues(config.EMBEDDING_STD)!,
  };
}

/** Where the model's fitted different-person tail is kept: EMBEDDING_TAIL_FILE, else next to the model. */
export function tailFileOf(config: EmbeddingSettings): string | undefined {
  if (config.EMBEDDING_MODEL === undefined) return undefined;
  return resolve(config.EMBEDDING_TAIL_FILE ?? `${config.EMBEDDING_MODEL}.tail.json`);
}
