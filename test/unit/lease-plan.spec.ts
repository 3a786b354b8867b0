import { type Lease, planLeases, type PlacedCamera } from '../../src/cluster/lease-plan';

const NOW = 1_000_000;
const cams = (...names: string[]): PlacedCamera[] => names.map((name) => ({ name, enabled: true }));
const lease = (camera: string, node: string, expiresAt = NOW + 5_000): Lease => ({ camera, node, expiresAt });

describe('planLeases', () => {
  it('a lone node takes every free camera', () => {
    expect(planLeases({ me: 'a', now: NOW, cameras: cams('c1', 'c2', 'c3'), leases: [], liveNodes: ['a'] })).toEqual({ take: ['c1', 'c2', 'c3'], keep: [], release: [] });
  });

  it('nodes starting together reach for different cameras, each at most its share', () => {
    const situation = { now: NOW, cameras: cams('c1', 'c2', 'c3'), leases: [], liveNodes: ['a', 'b', 'c'] };
    const takes = ['a', 'b', 'c'].map((me) => planLeases({ ...situation, me }).take);
    for (const take of takes) expect(take).toHaveLength(1);
    expect(new Set(takes.flat()).size).toBe(3);
  });

  it('never takes a camera another node still holds, even a dead node: its lease must expire first', () => {
    const plan = planLeases({ me: 'a', now: NOW, cameras: cams('c1', 'c2'), leases: [lease('c1', 'dead')], liveNodes: ['a'] });
    expect(plan.take).toEqual(['c2']);
    const later = planLeases({ me: 'a', now: NOW + 5_000, cameras: cams('c1', 'c2'), leases: [lease('c1', 'dead'), lease('c2', 'a', NOW + 9_000)], liveNodes: ['a'] });
    expect(later).toEqual({ take: ['c1'], keep: ['c2'], release: [] });
  });

  it('keeps its share and releases the extra when a node joins (hand-over, not kill)', () => {
    const leases = ['c1', 'c2', 'c3', 'c4'].map((camera) => lease(camera, 'a'));
    const plan = planLeases({ me: 'a', now: NOW, cameras: cams('c1', 'c2', 'c3', 'c4'), leases, liveNodes: ['a', 'b'] });
    expect(plan).toEqual({ take: [], keep: ['c1', 'c2'], release: ['c3', 'c4'] });
    // The joining node takes nothing until they are released, then up to its share.
    expect(planLeases({ me: 'b', now: NOW, cameras: cams('c1', 'c2', 'c3', 'c4'), leases, liveNodes: ['a', 'b'] }).take).toEqual([]);
    const afterRelease = leases.slice(0, 2);
    expect(planLeases({ me: 'b', now: NOW, cameras: cams('c1', 'c2', 'c3', 'c4'), leases: afterRelease, liveNodes: ['a', 'b'] }).take.sort()).toEqual(['c3', 'c4']);
  });

  it('a camera pinned to a node runs there only: taken by it whatever its share, released by any other', () => {
    const cameras: PlacedCamera[] = [{ name: 'door', enabled: true, node: 'b' }, ...cams('c1')];
    expect(planLeases({ me: 'a', now: NOW, cameras, leases: [lease('door', 'a')], liveNodes: ['a', 'b'] })).toEqual({ take: ['c1'], keep: [], release: ['door'] });
    expect(planLeases({ me: 'b', now: NOW, cameras, leases: [], liveNodes: ['a', 'b'] }).take).toContain('door');
    // Pinned to a node that is down: nobody runs it.
    expect(planLeases({ me: 'a', now: NOW, cameras, leases: [], liveNodes: ['a'] }).take).toEqual(['c1']);
  });

  it('releases what is disabled or removed, and takes no disabled camera', () => {
    const cameras: PlacedCamera[] = [{ name: 'off', enabled: false }, ...cams('c1')];
    expect(planLeases({ me: 'a', now: NOW, cameras, leases: [lease('off', 'a'), lease('gone', 'a')], liveNodes: ['a'] })).toEqual({ take: ['c1'], keep: [], release: ['gone', 'off'] });
  });

  it('counts only live nodes in the share: a dead node\'s cameras go to the living', () => {
    const cameras = cams('c1', 'c2', 'c3', 'c4');
    const plan = planLeases({ me: 'a', now: NOW, cameras, leases: [lease('c1', 'a'), lease('c2', 'a'), lease('c3', 'dead', NOW - 1)], liveNodes: ['a', 'b'] });
    expect(plan.keep).toEqual(['c1', 'c2']);
    expect(plan.take).toEqual([]);
    const b = planLeases({ me: 'b', now: NOW, cameras, leases: [lease('c1', 'a'), lease('c2', 'a'), lease('c3', 'dead', NOW - 1)], liveNodes: ['a', 'b'] });
    expect(b.take.sort()).toEqual(['c3', 'c4']);
  });
});
