import { validateConfig } from '../../src/config/app-config';

describe('validateConfig', () => {
  it('applies the defaults to an empty environment', () => {
    const c = validateConfig({});
    expect(c).toMatchObject({ PORT: 3000, CAMERA_SOURCE: 'auto', DATA_DIR: 'data', RECOGNITION_ENGINE: 'yunet-edgeface', RECOGNIZE_EVERY_N_FRAMES: 2, CAMERA_LOOP: true });
    expect(c.MATCH_THRESHOLD).toBeUndefined();
  });
  it('converts strings from the environment', () => {
    const c = validateConfig({ PORT: '8080', CAMERA_LOOP: 'false', MATCH_THRESHOLD: '0.45', RECOGNIZE_EVERY_N_FRAMES: '3', UNRELATED: 'x' });
    expect(c).toMatchObject({ PORT: 8080, CAMERA_LOOP: false, MATCH_THRESHOLD: 0.45, RECOGNIZE_EVERY_N_FRAMES: 3 });
  });
  it('treats empty values as unset', () => {
    expect(validateConfig({ PORT: '', MATCH_THRESHOLD: '' })).toMatchObject({ PORT: 3000, MATCH_THRESHOLD: undefined });
  });
  it('rejects bad values with a message naming each variable', () => {
    expect(() => validateConfig({ PORT: 'abc', RECOGNITION_ENGINE: 'dlib', RECOGNIZE_EVERY_N_FRAMES: '0' })).toThrow(
      /PORT="abc"[\s\S]*RECOGNITION_ENGINE="dlib"[\s\S]*RECOGNIZE_EVERY_N_FRAMES/,
    );
  });
});

describe('validateConfig: console settings', () => {
  it('has defaults, reads the optional grouping similarity, and rejects bad values', () => {
    expect(validateConfig({})).toMatchObject({ CAMERA_NAME: 'main', SIGHTING_END_AFTER_MS: 4000, UNKNOWN_FACE_AFTER_MS: 2000, UNKNOWN_FACE_GROUP_SIMILARITY: undefined });
    expect(validateConfig({ UNKNOWN_FACE_GROUP_SIMILARITY: '0.4', CAMERA_NAME: 'door' })).toMatchObject({ UNKNOWN_FACE_GROUP_SIMILARITY: 0.4, CAMERA_NAME: 'door' });
    expect(() => validateConfig({ SIGHTING_END_AFTER_MS: '10', UNKNOWN_FACE_GROUP_SIMILARITY: '2' })).toThrow(/SIGHTING_END_AFTER_MS[\s\S]*UNKNOWN_FACE_GROUP_SIMILARITY/);
  });
});
