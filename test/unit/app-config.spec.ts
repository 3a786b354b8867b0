import { hostname } from 'node:os';
import { nodeUrlOf, validateConfig } from '../../src/config/app-config';

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

describe('validateConfig: several nodes', () => {
  it('defaults NODE_URL to the host name and PORT, and the lease timings to 10 s and 3 s', () => {
    const c = validateConfig({ PORT: '8080' });
    expect(c).toMatchObject({ NODE_URL: undefined, CAMERA_LEASE_TTL_MS: 10_000, CAMERA_LEASE_RENEW_MS: 3_000 });
    expect(nodeUrlOf(c)).toBe(`http://${hostname()}:8080`);
    expect(nodeUrlOf(validateConfig({ NODE_URL: 'https://node-2.example:3443/' }))).toBe('https://node-2.example:3443');
  });

  it('refuses a NODE_URL that is not http(s)://host, and renewals that leave no room to fail before the lease ends', () => {
    expect(() => validateConfig({ NODE_URL: 'node-2:3000' })).toThrow(/NODE_URL="node-2:3000": NODE_URL must be http\(s\):\/\/host:port/);
    expect(() => validateConfig({ NODE_URL: 'http://node-2:3000/cameras' })).toThrow(/NODE_URL/);
    expect(() => validateConfig({ CAMERA_LEASE_TTL_MS: '6000', CAMERA_LEASE_RENEW_MS: '2500' })).toThrow(/CAMERA_LEASE_RENEW_MS=2500 must be at most a third of CAMERA_LEASE_TTL_MS=6000/);
    expect(validateConfig({ CAMERA_LEASE_TTL_MS: '6000', CAMERA_LEASE_RENEW_MS: '2000' })).toMatchObject({ CAMERA_LEASE_TTL_MS: 6000, CAMERA_LEASE_RENEW_MS: 2000 });
    expect(() => validateConfig({ NODE_NAME: 'n'.repeat(65) })).toThrow(/NODE_NAME/);
  });
});
