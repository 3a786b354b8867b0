// A worker with two lanes for worker-rpc's fairness test: `draw` busy-waits (like OpenCV's
// synchronous drawing), `detect` is quick. Loads the built worker-rpc (npm run build first).
const { serveWorkerApi } = require('../../../dist/common/worker-rpc');

const busy = (ms) => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};
const order = [];
serveWorkerApi(
  {
    async draw(n) {
      busy(5);
      order.push(`draw ${n}`);
    },
    async detect() {
      order.push('detect');
    },
    async order() {
      return order;
    },
  },
  () => [],
  (method) => (method === 'draw' ? 'render' : 'inference'),
);
