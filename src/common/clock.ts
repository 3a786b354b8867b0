/** The current time (epoch ms), injected where a test must move it: `{ provide: CLOCK, useValue: Date.now }`. */
export const CLOCK = Symbol('CLOCK');
export type Clock = () => number;
