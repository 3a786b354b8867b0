import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateConfig } from '../../src/config/app-config';
import { embeddingInputOf, tailFileOf } from '../../src/config/embedding-config';
import {
  DEFAULT_EMBEDDING_INPUT,
  embeddingModelId,
  inputShapeProblem,
  loadEmbeddingModelSpec,
  parseChannelValues,
  type EmbeddingInput,
} from '../../src/recognition/engines/embedding-model';
import { builtInModelMatch, matchRuleForModel, ownModelMatch, UnfittedModelError, writeTailFile } from '../../src/recognition/engines/model-match';
import { ruleWithOverrides } from '../../src/recognition/matching/open-set-threshold';

const dir = mkdtempSync(join(tmpdir(), 'own-model-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A stand-in model file (its bytes are only hashed here). */
function modelFile(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe('EMBEDDING_* settings, validated at start', () => {
  const model = modelFile('mine.onnx', 'weights v1');

  it('are all unset by default: the bundled model', () => {
    const config = validateConfig({});
    expect(config.EMBEDDING_MODEL).toBeUndefined();
    expect(tailFileOf(config)).toBeUndefined();
  });

  it('describe the input, with EdgeFace defaults where unset, and put the tail next to the model', () => {
    const config = validateConfig({ EMBEDDING_MODEL: model, EMBEDDING_CHANNEL_ORDER: 'BGR', EMBEDDING_MEAN: '104, 117, 123', EMBEDDING_STD: '58' });
    expect(embeddingInputOf(config)).toEqual({ size: 112, channelOrder: 'BGR', mean: [104, 117, 123], std: [58, 58, 58] });
    expect(tailFileOf(config)).toBe(`${model}.tail.json`);
    expect(tailFileOf(validateConfig({ EMBEDDING_MODEL: model, EMBEDDING_TAIL_FILE: join(dir, 't.json') }))).toBe(join(dir, 't.json'));
    expect(embeddingInputOf(validateConfig({ EMBEDDING_MODEL: model, EMBEDDING_INPUT_SIZE: '160' }))).toEqual({ ...DEFAULT_EMBEDDING_INPUT, size: 160 });
  });

  it.each([
    [{ EMBEDDING_MODEL: join(dir, 'missing.onnx') }, /EMBEDDING_MODEL=".*missing\.onnx": no such file/],
    [{ EMBEDDING_MODEL: dir }, /EMBEDDING_MODEL=.*: not a file/],
    [{ EMBEDDING_INPUT_SIZE: '112' }, /EMBEDDING_INPUT_SIZE describes EMBEDDING_MODEL, which is not set/],
    [{ EMBEDDING_MODEL: model, RECOGNITION_ENGINE: 'human' }, /EMBEDDING_MODEL replaces the embedding of the yunet-edgeface engine; RECOGNITION_ENGINE=human/],
    [{ EMBEDDING_MODEL: model, EMBEDDING_INPUT_SIZE: '8' }, /EMBEDDING_INPUT_SIZE="8"/],
    [{ EMBEDDING_MODEL: model, EMBEDDING_CHANNEL_ORDER: 'rgb' }, /EMBEDDING_CHANNEL_ORDER="rgb"/],
    [{ EMBEDDING_MODEL: model, EMBEDDING_MEAN: '1,2' }, /EMBEDDING_MEAN="1,2": expected one number, or three/],
    [{ EMBEDDING_MODEL: model, EMBEDDING_STD: '0' }, /EMBEDDING_STD="0": must be greater than 0/],
  ])('refuses %j with a message naming the setting', (env, message) => {
    expect(() => validateConfig(env)).toThrow(message);
  });

  it('reads one or three channel values, nothing else', () => {
    expect(parseChannelValues('127.5')).toEqual([127.5, 127.5, 127.5]);
    expect(parseChannelValues(' 1 ,2, 3')).toEqual([1, 2, 3]);
    for (const bad of ['', 'a', '1,,2', '1,2,3,4', 'NaN']) expect(parseChannelValues(bad)).toBeNull();
  });
});

describe('model id', () => {
  it('is the file name and the first 12 hex digits of its SHA-256, and follows the content', () => {
    const path = modelFile('net.onnx', 'weights A');
    const spec = loadEmbeddingModelSpec(path, { ...DEFAULT_EMBEDDING_INPUT });
    const sha = createHash('sha256').update('weights A').digest('hex');
    expect(spec).toEqual({ path, modelId: `net.onnx@${sha.slice(0, 12)}`, input: DEFAULT_EMBEDDING_INPUT });
    writeFileSync(path, 'weights B');
    expect(loadEmbeddingModelSpec(path, { ...DEFAULT_EMBEDDING_INPUT }).modelId).not.toBe(spec.modelId);
  });

  it('changes with input settings other than the defaults (they change the vectors too)', () => {
    const sha = 'ab'.repeat(32);
    const bgr: EmbeddingInput = { ...DEFAULT_EMBEDDING_INPUT, channelOrder: 'BGR' };
    const ids = [embeddingModelId('m.onnx', sha, DEFAULT_EMBEDDING_INPUT), embeddingModelId('m.onnx', sha, bgr), embeddingModelId('m.onnx', sha, { ...DEFAULT_EMBEDDING_INPUT, size: 128 })];
    expect(ids[0]).toBe(`m.onnx@${sha.slice(0, 12)}`);
    expect(new Set(ids).size).toBe(3);
    expect(ids[1].startsWith(`${ids[0]}~`)).toBe(true);
  });

  it("checks the model's input shape against EMBEDDING_INPUT_SIZE", () => {
    expect(inputShapeProblem(['batch', 3, 112, 112], DEFAULT_EMBEDDING_INPUT)).toBeUndefined();
    expect(inputShapeProblem(['N', 3, 'h', 'w'], DEFAULT_EMBEDDING_INPUT)).toBeUndefined();
    expect(inputShapeProblem([1, 3, 160, 160], DEFAULT_EMBEDDING_INPUT)).toBe('its input is [1, 3, 160, 160] but EMBEDDING_INPUT_SIZE is 112');
    expect(inputShapeProblem([1, 112, 112, 3], DEFAULT_EMBEDDING_INPUT)).toMatch(/3 colour channels first/);
    expect(inputShapeProblem([1, 512], DEFAULT_EMBEDDING_INPUT)).toMatch(/not an image batch/);
  });
});

describe('the threshold rule of a model of your own: the server refuses to start without a tail', () => {
  const spec = loadEmbeddingModelSpec(modelFile('own.onnx', 'own weights'), { ...DEFAULT_EMBEDDING_INPUT });
  const tailFile = join(dir, 'own.onnx.tail.json');
  const record = { modelId: spec.modelId, at1Percent: 0.21, decay: 0.03, pairs: 324_290, people: 435, photos: 807, fittedOn: 'lfw', fittedAt: '2026-01-01T00:00:00.000Z' };

  it('has no tail until one is fitted, and then cannot start without MATCH_THRESHOLD, saying how to fit one', () => {
    rmSync(tailFile, { force: true });
    const match = ownModelMatch(spec, tailFile);
    expect(match.tail).toBeNull();
    let error: unknown;
    try {
      matchRuleForModel(match, undefined, 0.01);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(UnfittedModelError);
    const message = (error as Error).message;
    expect(message).toContain(`EMBEDDING_MODEL=${spec.path}`);
    expect(message).toContain('npm run cli -- identify');
    expect(message).toContain('--fit');
    expect(message).toContain(tailFile);
    expect(message).toContain('MATCH_THRESHOLD');
  });

  it('starts with a fixed MATCH_THRESHOLD; the CLI evaluation commands may start unfitted with a rule that names nobody', () => {
    const match = ownModelMatch(spec, join(dir, 'none.json'));
    expect(matchRuleForModel(match, 0.3, 0.01)).toEqual({ kind: 'fixed', threshold: 0.3, margin: 0.05 });
    expect(matchRuleForModel(match, undefined, 0.01, true)).toEqual({ kind: 'fixed', threshold: 1, margin: 0.05 });
    // A camera's own false-name rate needs a tail: without one the fixed threshold stays.
    const base = matchRuleForModel(match, 0.3, 0.01);
    expect(ruleWithOverrides(base, match.tail, { matchFalseNameRate: 0.001 })).toBe(base);
  });

  it('uses the fitted tail written next to the model', () => {
    writeTailFile(tailFile, record);
    const match = ownModelMatch(spec, tailFile);
    expect(match.tail).toEqual({ at1Percent: 0.21, decay: 0.03 });
    expect(match.source).toContain(tailFile);
    expect(matchRuleForModel(match, undefined, 0.01)).toEqual({ kind: 'open-set', tail: match.tail, falseNameRate: 0.01, margin: 0.05 });
  });

  it('refuses a tail fitted for another model (the file changed) or a broken tail file', () => {
    writeTailFile(tailFile, { ...record, modelId: 'own.onnx@000000000000' });
    expect(() => ownModelMatch(spec, tailFile)).toThrow(/fitted for model "own\.onnx@000000000000", but EMBEDDING_MODEL is now own\.onnx@\w{12}.*fit it again/);
    writeFileSync(tailFile, '{"modelId":');
    expect(() => ownModelMatch(spec, tailFile)).toThrow(/is not JSON/);
    writeTailFile(tailFile, { ...record, decay: 0 });
    expect(() => ownModelMatch(spec, tailFile)).toThrow(/holds no tail/);
  });

  it('keeps the built-in tails for the bundled models', () => {
    expect(builtInModelMatch('yunet-edgeface').tail).toEqual({ at1Percent: 0.191, decay: 0.0307 });
    expect(matchRuleForModel(builtInModelMatch('yunet-edgeface'), undefined, 0.01).kind).toBe('open-set');
  });
});
