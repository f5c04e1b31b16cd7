import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, it } from 'vitest';
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import '../index.js';
import { expectSame, type Input, rand } from './compare-util.js';

afterAll(async () => {
  await tf.setBackend('cpu');
});

const x: Input = { shape: [6, 5], data: rand(30, 1) };
const w: Input = { shape: [5], data: rand(5, 2) };
const b: Input = { shape: [6, 1], data: rand(6, 3) };

// Composite functions whose gradients run the overridden kernels (broadcast binary ops and their
// reductions of broadcast gradients; tfjs 4.22's Maximum/Minimum/SquaredDifference gradients do not
// reduce broadcast dims, so those take same-shape operands here), unary ops, transposes, gather → UnsortedSegmentSum, slice/concat/pad).
const FNS: Array<[string, (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => tf.Scalar]> = [
  ['sigmoid(x*w+b)^2', (x, w, b) => tf.sum(tf.square(tf.sigmoid(tf.add(tf.mul(x, w), b))))],
  [
    'tanh/exp/div/sub',
    (x, w, b) => tf.mean(tf.div(tf.tanh(tf.sub(x, b)), tf.add(tf.exp(tf.mul(w, 0.1)), 1))),
  ],
  [
    'max/min/relu/sqDiff',
    (x, w, b) =>
      tf.sum(
        tf.mul(
          tf.relu(tf.maximum(x, tf.mul(x, w))),
          tf.squaredDifference(tf.minimum(x, tf.add(x, b)), tf.mul(x, w)),
        ),
      ),
  ],
  [
    'transpose + reductions',
    (x, w, b) =>
      tf.sum(tf.mul(tf.max(tf.transpose(tf.mul(x, w)), 0), tf.reshape(tf.mean(tf.mul(x, b), 1), [6]))),
  ],
  [
    'gather + slice + concat + pad',
    (x, w, b) => {
      const g = tf.gather(tf.mul(x, b), tf.tensor1d([0, 2, 2, 5, 1], 'int32'));
      const s = tf.slice(g, [1, 1], [3, 3]);
      const c = tf.concat(
        [
          s,
          tf.pad(tf.reshape(tf.slice(w, [0], [3]), [1, 3]), [
            [0, 0],
            [0, 0],
          ]),
        ],
        0,
      );
      return tf.sum(tf.mul(c, tf.erf(c)));
    },
  ],
  [
    'pow/rsqrt/abs/softplus',
    (x, w, b) =>
      tf.sum(
        tf.add(tf.pow(tf.abs(x), w), tf.mul(tf.rsqrt(tf.add(tf.square(x), 1)), tf.softplus(tf.sub(x, b)))),
      ),
  ],
];

describe('gradients through native kernels match cpu', () => {
  for (const [name, fn] of FNS) {
    it(name, async () => {
      await expectSame(
        [x, w, b],
        (xt, wt, bt) => {
          const g = tf.grads((a, c, d) => fn(a as tf.Tensor, c as tf.Tensor, d as tf.Tensor));
          return g([xt as tf.Tensor, wt as tf.Tensor, bt as tf.Tensor]);
        },
        1e-5,
        1e-3,
        name,
      );
    });
  }
});
