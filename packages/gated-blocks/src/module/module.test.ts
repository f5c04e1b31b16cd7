import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ForwardContext } from './context.js';
import { Module } from './module.js';

class Leaf extends Module {
  readonly w: tf.Variable;
  readonly b: tf.Variable;
  constructor() {
    super();
    this.w = this.addParam('w', tf.ones([2, 3]), { weightDecay: true });
    this.b = this.addParam('b', { values: new Float32Array(3), shape: [3] }, { weightDecay: false });
  }
}
class Tree extends Module {
  constructor() {
    super();
    this.addParam('scale', tf.ones([3]), { weightDecay: false, group: 'norm' });
    this.addChild('0', new Leaf());
    this.addChild('1', new Leaf());
  }
}

describe('Module', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('names parameters by dotted path in registration order with their metadata', () => {
    const t = new Tree();
    const names = t.namedParameters().map(([n]) => n);
    expect(names).toEqual(['scale', '0.w', '0.b', '1.w', '1.b']);
    expect(t.parameterMap().get('1.b')?.meta.weightDecay).toBe(false);
    expect(t.parameterMap().get('scale')?.meta.group).toBe('norm');
    expect(t.numParameters()).toBe(3 + 2 * (6 + 3));
    t.dispose();
  });

  it('rejects duplicate and malformed names', () => {
    class Bad extends Module {
      constructor(kind: 'dup' | 'dot') {
        super();
        this.addParam('x', tf.zeros([1]), { weightDecay: false });
        if (kind === 'dup') this.addParam('x', tf.zeros([1]), { weightDecay: false });
        else this.addParam('a.b', tf.zeros([1]), { weightDecay: false });
      }
    }
    expect(() => new Bad('dup')).toThrow(/'x' is already registered/);
    expect(() => new Bad('dot')).toThrow(/'a.b' must match/);
  });

  it('does not leak the init tensors', () => {
    const before = tf.memory().numTensors;
    const t = new Tree();
    expect(tf.memory().numTensors - before).toBe(5);
    t.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('ForwardContext', () => {
  it('gives the same seed sequence for the same seed and different ones otherwise', () => {
    const a = ForwardContext.train(7);
    const b = ForwardContext.train(7);
    const c = ForwardContext.train(8);
    const sa = [a.nextSeed(), a.nextSeed(), a.nextSeed()];
    expect([b.nextSeed(), b.nextSeed(), b.nextSeed()]).toEqual(sa);
    expect(c.nextSeed()).not.toBe(sa[0]);
    expect(new Set(sa).size).toBe(3);
    expect(ForwardContext.eval().training).toBe(false);
  });
});
