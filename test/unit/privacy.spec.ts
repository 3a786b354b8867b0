import { parseCameraDefinition } from '../../src/cameras/camera-definition';
import { privacyRegions } from '../../src/stream/privacy';

describe('privacyRegions', () => {
  const named = { box: { x: 100, y: 100, width: 50, height: 60 }, known: true };
  const stranger = { box: { x: 300, y: 40, width: 100, height: 100 }, known: false };

  it('hides nothing when off, the strangers with blur-unknown, every face with blur-all', () => {
    expect(privacyRegions('off', [named, stranger])).toEqual([]);
    expect(privacyRegions('blur-unknown', [named, stranger])).toEqual([{ x: 280, y: 20, width: 140, height: 140 }]);
    expect(privacyRegions('blur-all', [named, stranger])).toHaveLength(2);
  });

  it('covers more than the box (hair, ears), centred on it', () => {
    const [region] = privacyRegions('blur-all', [named]);
    expect(region.x).toBeLessThan(named.box.x);
    expect(region.y).toBeLessThan(named.box.y);
    expect(region.x + region.width / 2).toBeCloseTo(named.box.x + named.box.width / 2);
    expect(region.y + region.height / 2).toBeCloseTo(named.box.y + named.box.height / 2);
  });
});

describe('a camera’s privacy setting', () => {
  it('accepts the three modes and names the camera and the field otherwise', () => {
    for (const privacy of ['off', 'blur-unknown', 'blur-all']) {
      expect(parseCameraDefinition({ name: 'door', source: '/v.mp4', privacy })).toMatchObject({ privacy });
    }
    expect(() => parseCameraDefinition({ name: 'door', source: '/v.mp4', privacy: 'blur' })).toThrow(/door.*privacy must be one of off, blur-unknown, blur-all/);
    expect(() => parseCameraDefinition({ name: 'door', source: '/v.mp4', privacy: true })).toThrow(/privacy/);
  });
});
