import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CameraConfigError,
  camerasFromSettings,
  loadCamerasFile,
  parseCameraDefinition,
  parseCameraList,
} from '../../src/cameras/camera-definition';

/** The error a call throws, checked to be a CameraConfigError. */
function configError(call: () => unknown): CameraConfigError {
  try {
    call();
  } catch (error) {
    expect(error).toBeInstanceOf(CameraConfigError);
    return error as CameraConfigError;
  }
  throw new Error('expected a CameraConfigError, nothing was thrown');
}

const door = { name: 'door', source: 'rtsp://cam/door' };

describe('parseCameraDefinition', () => {
  it('defaults enabled to true and keeps only the given fields', () => {
    expect(parseCameraDefinition(door)).toEqual({ name: 'door', source: 'rtsp://cam/door', enabled: true });
  });

  it('accepts every override', () => {
    const full = {
      ...door,
      enabled: false,
      recognizeEveryN: 3,
      detectionWidth: 0,
      smallFacePass: 'tiles',
      detectionMinScore: 0.5,
      minFacePx: 24,
      matchThreshold: -0.2,
      matchFalseNameRate: 0.001,
      jpegQuality: 70,
      trackConfirmation: false,
      loop: false,
      pace: true,
      unknownInbox: false,
    };
    expect(parseCameraDefinition(full)).toEqual(full);
  });

  // [field, lowest, highest, below, above, a non-integer or undefined when fractions are allowed]
  const numeric: [string, number, number, number, number, number | undefined][] = [
    ['recognizeEveryN', 1, 100, 0, 101, 2.5],
    ['detectionWidth', 0, 8192, -1, 8193, 640.5],
    ['minFacePx', 0, 4096, -1, 4097, 1.5],
    ['jpegQuality', 10, 100, 9, 101, 80.1],
    ['detectionMinScore', 0, 1, -0.01, 1.01, undefined],
    ['matchThreshold', -1, 1, -1.01, 1.01, undefined],
    ['matchFalseNameRate', 0.0001, 0.5, 0.00009, 0.51, undefined],
  ];

  describe.each(numeric)('%s', (field, lowest, highest, below, above, fraction) => {
    it('accepts both bounds', () => {
      expect(parseCameraDefinition({ ...door, [field]: lowest })).toMatchObject({ [field]: lowest });
      expect(parseCameraDefinition({ ...door, [field]: highest })).toMatchObject({ [field]: highest });
    });

    it.each([below, above])('rejects %p, naming the camera, the field and the value', (value) => {
      const error = configError(() => parseCameraDefinition({ ...door, [field]: value }));
      expect(error.field).toBe(field);
      expect(error.camera).toBe('door');
      expect(error.message).toMatch(new RegExp(`^camera "door": ${field} must be an? (integer|number) from ${lowest} to ${highest} \\(got ${value}\\)$`));
    });

    it('rejects a string, even a numeric one (no coercion), NaN and Infinity', () => {
      for (const value of [String(lowest), true, [lowest], Number.NaN, Number.POSITIVE_INFINITY]) {
        expect(configError(() => parseCameraDefinition({ ...door, [field]: value })).field).toBe(field);
      }
    });

    if (fraction !== undefined) {
      it('rejects a fraction', () => {
        expect(configError(() => parseCameraDefinition({ ...door, [field]: fraction })).message).toContain('must be an integer');
      });
    }
  });

  it('gives the exact message of the documentation example', () => {
    expect(configError(() => parseCameraDefinition({ ...door, recognizeEveryN: 0 })).message).toBe(
      'camera "door": recognizeEveryN must be an integer from 1 to 100 (got 0)',
    );
  });

  it.each(['trackConfirmation', 'loop', 'pace', 'unknownInbox', 'enabled'])('%s takes only true or false', (field) => {
    expect(parseCameraDefinition({ ...door, [field]: false })).toMatchObject({ [field]: false });
    for (const value of ['true', 1, 0, 'yes']) {
      const error = configError(() => parseCameraDefinition({ ...door, [field]: value }));
      expect(error.field).toBe(field);
      expect(error.message).toContain(`${field} must be true or false`);
    }
  });

  it('smallFacePass takes off, regions or tiles', () => {
    for (const value of ['off', 'regions', 'tiles']) expect(parseCameraDefinition({ ...door, smallFacePass: value }).smallFacePass).toBe(value);
    for (const value of ['Tiles', 'all', 1, '']) {
      expect(configError(() => parseCameraDefinition({ ...door, smallFacePass: value })).message).toContain('smallFacePass must be one of off, regions, tiles');
    }
  });

  it('treats a null override as not set', () => {
    expect(parseCameraDefinition({ ...door, matchThreshold: null })).toEqual({ ...door, enabled: true });
  });

  it('pins a camera to a node by its NODE_NAME; null (or nothing) is any node, and a patch\'s null unpins', () => {
    expect(parseCameraDefinition({ ...door, node: 'node-2' })).toEqual({ ...door, enabled: true, node: 'node-2' });
    expect(parseCameraDefinition({ ...door, node: null })).toEqual({ ...door, enabled: true });
    expect(parseCameraDefinition({ node: null }, { partial: true })).toEqual({ node: null });
    expect(parseCameraDefinition({ node: 'gpu-box.local' }, { partial: true })).toEqual({ node: 'gpu-box.local' });
  });

  it.each([
    ['', 'node must be a node\'s NODE_NAME'],
    [' node-2', 'node must be a node\'s NODE_NAME'],
    [2, 'node must be a node\'s NODE_NAME, or null for any node (got 2)'],
    ['n'.repeat(65), 'node must be at most 64 characters (got 65)'],
    ['a\nb', 'node must not contain control characters'],
  ])('rejects the pin %p', (node, message) => {
    const error = configError(() => parseCameraDefinition({ ...door, node }));
    expect(error.field).toBe('node');
    expect(error.message).toContain(message);
  });

  it('rejects an unknown field by name', () => {
    const error = configError(() => parseCameraDefinition({ ...door, recogniseEveryN: 2 }));
    expect(error.field).toBe('recogniseEveryN');
    expect(error.message).toMatch(/^camera "door": unknown field "recogniseEveryN" \(allowed: name, source, enabled, node, recognizeEveryN/);
  });

  it.each([
    ['', '""'],
    ['Door', '"Door"'],
    ['front door', '"front door"'],
    ['a'.repeat(33), '"aaaa'],
    ['caméra', '"caméra"'],
    [7, '7'],
    [null, 'null'],
  ])('rejects the name %p', (name, shown) => {
    const error = configError(() => parseCameraDefinition({ name, source: 'auto' }));
    expect(error.field).toBe('name');
    expect(error.camera).toBeUndefined();
    expect(error.message).toContain(`name must be 1 to 32 lower-case letters, digits, "_" or "-" (got ${shown}`);
  });

  it('accepts names of 1 and 32 characters with digits, "_" and "-"', () => {
    expect(parseCameraDefinition({ name: 'x', source: 'auto' }).name).toBe('x');
    const long = 'gate_2-' + 'z'.repeat(25);
    expect(parseCameraDefinition({ name: long, source: 'auto' }).name).toBe(long);
  });

  it('requires a name and a source', () => {
    expect(configError(() => parseCameraDefinition({ source: 'auto' })).message).toBe('name is required');
    const error = configError(() => parseCameraDefinition({ name: 'door' }));
    expect(error.field).toBe('source');
    expect(error.message).toMatch(/^camera "door": source is required/);
  });

  it.each([
    ['', 'source must not be empty'],
    ['   ', 'source must not be empty'],
    ['rtsp://cam\n/door', 'control characters'],
    ['x'.repeat(4097), 'at most 4096 characters'],
    [null, 'source must be a string (got null)'],
    [0, 'write "0" for a device index'],
  ])('rejects the source %p', (source, message) => {
    const error = configError(() => parseCameraDefinition({ name: 'door', source }));
    expect(error.field).toBe('source');
    expect(error.message).toContain(message);
  });

  it('keeps the source forms as written', () => {
    for (const source of ['auto', '0', '/videos/a b.mp4', 'http://cam/mjpeg?x=1']) {
      expect(parseCameraDefinition({ name: 'door', source }).source).toBe(source);
    }
  });

  it.each([null, [], 'door', 3, new Date()])('rejects %p that is not a plain object', (input) => {
    expect(configError(() => parseCameraDefinition(input)).message).toMatch(/^expected an object/);
  });

  describe('partial (PATCH bodies)', () => {
    it('returns only what is given, without defaults', () => {
      expect(parseCameraDefinition({}, { partial: true })).toEqual({});
      expect(parseCameraDefinition({ jpegQuality: 50 }, { partial: true })).toEqual({ jpegQuality: 50 });
      expect(parseCameraDefinition({ enabled: false, source: 'auto' }, { partial: true })).toEqual({ enabled: false, source: 'auto' });
    });

    it('keeps null on an override: it removes it', () => {
      expect(parseCameraDefinition({ matchThreshold: null }, { partial: true })).toEqual({ matchThreshold: null });
    });

    it('refuses a name, even the same one', () => {
      const error = configError(() => parseCameraDefinition({ name: 'door' }, { partial: true, camera: 'door' }));
      expect(error.field).toBe('name');
      expect(error.message).toBe('camera "door": name cannot be changed (got "door")');
    });

    it('validates like a full definition, named after the camera patched', () => {
      expect(configError(() => parseCameraDefinition({ detectionWidth: 9000 }, { partial: true, camera: 'door' })).message).toBe(
        'camera "door": detectionWidth must be an integer from 0 to 8192 (got 9000)',
      );
      expect(configError(() => parseCameraDefinition({ source: '' }, { partial: true })).field).toBe('source');
      expect(configError(() => parseCameraDefinition({ enabled: null }, { partial: true })).field).toBe('enabled');
      expect(configError(() => parseCameraDefinition({ colour: 1 }, { partial: true })).field).toBe('colour');
    });
  });
});

describe('parseCameraList', () => {
  it('parses every camera in order', () => {
    expect(parseCameraList([door, { name: 'yard', source: '0', enabled: false }], 'CAMERAS')).toEqual([
      { ...door, enabled: true },
      { name: 'yard', source: '0', enabled: false },
    ]);
    expect(parseCameraList([], 'CAMERAS')).toEqual([]);
  });

  it('names the duplicate', () => {
    const error = configError(() => parseCameraList([door, { name: 'yard', source: '1' }, door], 'CAMERAS'));
    expect(error.camera).toBe('door');
    expect(error.field).toBe('name');
    expect(error.message).toBe('CAMERAS: camera "door": name is used twice (cameras #1 and #3)');
  });

  it('prefixes the location and names a camera without a usable name by position', () => {
    expect(configError(() => parseCameraList([door, { source: 'auto' }], 'CAMERAS')).message).toBe('CAMERAS: camera #2: name is required');
    const error = configError(() => parseCameraList([door, { name: 'yard', source: 'auto', pace: 'no' }], '/etc/cameras.yml'));
    expect(error.where).toBe('/etc/cameras.yml');
    expect(error.message).toBe('/etc/cameras.yml: camera "yard": pace must be true or false (got "no")');
  });

  it('rejects what is not a list', () => {
    expect(configError(() => parseCameraList(door, 'CAMERAS')).message).toMatch(/^CAMERAS: expected a list of cameras \(got \{/);
  });
});

describe('cameras files and settings', () => {
  let dir: string;
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cameras-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const yamlList = ['- name: door', '  source: rtsp://cam/door', '  recognizeEveryN: 3', '- name: yard', '  source: "0"', '  enabled: false', ''].join('\n');
  const expected = [
    { name: 'door', source: 'rtsp://cam/door', enabled: true, recognizeEveryN: 3 },
    { name: 'yard', source: '0', enabled: false },
  ];

  it('reads a YAML list', () => {
    expect(loadCamerasFile(file('list.yml', yamlList))).toEqual(expected);
  });

  it('reads YAML under a cameras key', () => {
    const text = 'cameras:\n' + yamlList.replace(/^/gm, '  ');
    expect(loadCamerasFile(file('keyed.yaml', text))).toEqual(expected);
  });

  it('reads JSON, as a list or under a cameras key, whatever the file name', () => {
    expect(loadCamerasFile(file('list.json', JSON.stringify(expected)))).toEqual(expected);
    expect(loadCamerasFile(file('keyed.txt', JSON.stringify({ cameras: expected }, null, 2)))).toEqual(expected);
  });

  it('reports a bad camera with the file path', () => {
    const path = file('bad.yml', '- name: door\n  source: auto\n  jpegQuality: 5\n');
    expect(configError(() => loadCamerasFile(path)).message).toBe(`${path}: camera "door": jpegQuality must be an integer from 10 to 100 (got 5)`);
  });

  it('does not coerce YAML numbers into a source', () => {
    const path = file('number.yml', '- name: door\n  source: 0\n');
    expect(configError(() => loadCamerasFile(path)).message).toContain('write "0" for a device index');
  });

  it('rejects a missing file, broken syntax, an empty file, a repeated key and other top-level shapes', () => {
    const missing = join(dir, 'nope.yml');
    const error = configError(() => loadCamerasFile(missing));
    expect(error.where).toBe(missing);
    expect(error.message).toMatch(new RegExp(`^${missing}: cannot read the cameras file: ENOENT`));
    expect(configError(() => loadCamerasFile(file('broken.json', '[{"name": "door",'))).message).toContain('not valid YAML or JSON');
    expect(configError(() => loadCamerasFile(file('empty.yml', '\n# nothing\n'))).message).toContain('the file is empty');
    expect(configError(() => loadCamerasFile(file('twice.yml', '- name: door\n  name: yard\n  source: auto\n'))).message).toContain('not valid YAML or JSON');
    expect(configError(() => loadCamerasFile(file('other.yml', 'camera:\n  - name: door\n'))).message).toContain('unknown top-level field "camera"');
    expect(configError(() => loadCamerasFile(file('scalar.yml', 'door\n'))).message).toContain('expected a list of cameras');
  });

  const shorthand = { CAMERA_SOURCE: 'auto', CAMERA_NAME: 'main' };

  it('uses the shorthand when neither CAMERAS nor CAMERAS_FILE is set (empty means not set)', () => {
    expect(camerasFromSettings(shorthand)).toEqual([{ name: 'main', source: 'auto', enabled: true }]);
    expect(camerasFromSettings({ CAMERAS: '', CAMERAS_FILE: ' ', CAMERA_SOURCE: '/v/a.mp4', CAMERA_NAME: 'lobby' })).toEqual([
      { name: 'lobby', source: '/v/a.mp4', enabled: true },
    ]);
    expect(camerasFromSettings({ CAMERA_SOURCE: '', CAMERA_NAME: '' })).toEqual([{ name: 'main', source: 'auto', enabled: true }]);
  });

  it('names CAMERA_NAME when the shorthand name is not a valid camera name', () => {
    const error = configError(() => camerasFromSettings({ ...shorthand, CAMERA_NAME: 'Front Door' }));
    expect(error.where).toBe('CAMERA_NAME');
    expect(error.message).toMatch(/^CAMERA_NAME: name must be/);
  });

  it('reads CAMERAS as a JSON array', () => {
    expect(camerasFromSettings({ ...shorthand, CAMERAS: JSON.stringify(expected) })).toEqual(expected);
    expect(configError(() => camerasFromSettings({ ...shorthand, CAMERAS: JSON.stringify([door, door]) })).message).toMatch(/^CAMERAS: camera "door": name is used twice/);
  });

  it('says when CAMERAS is not JSON (YAML is for files only)', () => {
    const error = configError(() => camerasFromSettings({ ...shorthand, CAMERAS: '- name: door' }));
    expect(error.where).toBe('CAMERAS');
    expect(error.message).toMatch(/^CAMERAS: not valid JSON/);
  });

  it('reads CAMERAS_FILE', () => {
    expect(camerasFromSettings({ ...shorthand, CAMERAS_FILE: file('settings.yml', yamlList) })).toEqual(expected);
  });

  it('refuses CAMERAS and CAMERAS_FILE together', () => {
    const path = file('both.yml', yamlList);
    expect(configError(() => camerasFromSettings({ ...shorthand, CAMERAS: '[]', CAMERAS_FILE: path })).message).toBe(
      'CAMERAS and CAMERAS_FILE cannot both be set: use one of them',
    );
  });
});
