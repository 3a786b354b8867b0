// Jest runs tests in a separate V8 context whose typed-array classes differ from the ones native
// addons create: onnxruntime-node's outputs then fail its own `instanceof Float32Array` check.
// This environment gives the test context the host's typed arrays. Use it with a
// `@jest-environment ./test/support/native-typed-arrays.environment.js` docblock.
const { TestEnvironment } = require('jest-environment-node');

const TYPED_ARRAYS = [
  'Float32Array', 'Float64Array', 'Int8Array', 'Int16Array', 'Int32Array',
  'Uint8Array', 'Uint8ClampedArray', 'Uint16Array', 'Uint32Array', 'BigInt64Array', 'BigUint64Array',
];

class NativeTypedArraysEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of TYPED_ARRAYS) this.global[name] = globalThis[name];
  }
}

module.exports = NativeTypedArraysEnvironment;
