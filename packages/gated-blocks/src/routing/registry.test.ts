import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../test/helpers/f64.js';
import { ForwardContext } from '../module/context.js';
import {
  createRoutingLayer,
  listRoutingLayers,
  registerRoutingLayer,
  routingLayerInfo,
  unregisterRoutingLayer,
} from './registry.js';
import { RoutingLayer, type RoutingLayerOptions } from './routing-layer.js';

class Identity extends RoutingLayer {
  readonly info = { name: 'identity-test', usesMask: false };
  constructor(readonly options: RoutingLayerOptions) {
    super();
  }
  forward(x: tf.Tensor3D): tf.Tensor3D {
    return x.clone();
  }
}

describe('routing registry', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });
  afterAll(() => {
    unregisterRoutingLayer('identity-test');
    tf.disposeVariables();
  });

  it('has the built-ins with their static info', () => {
    expect(listRoutingLayers().slice(0, 2)).toEqual(['bissm', 'attention']);
    expect(routingLayerInfo('bissm').usesMask).toBe(false);
    expect(routingLayerInfo('attention').usesMask).toBe(true);
    const r = createRoutingLayer('bissm', { hiddenSize: 8, numSsm: 4 });
    expect(r.info.name).toBe('bissm');
    r.dispose();
  });

  it('unknown names list the registered ones', () => {
    expect(() => createRoutingLayer('mamba', { hiddenSize: 8 })).toThrow(
      /unknown routing layer "mamba"; registered: bissm, attention/,
    );
    expect(() => routingLayerInfo('mamba')).toThrow(/registered: bissm, attention/);
  });

  it('registers, refuses duplicates unless replace, protects built-ins, validates', () => {
    registerRoutingLayer('identity-test', (o) => new Identity(o), { description: 'test' });
    expect(listRoutingLayers()).toContain('identity-test');
    expect(routingLayerInfo('identity-test')).toEqual({
      name: 'identity-test',
      usesMask: false,
      description: 'test',
    });
    const layer = createRoutingLayer('identity-test', { hiddenSize: 4, extra: 3 });
    expect((layer as Identity).options).toEqual({ hiddenSize: 4, extra: 3 });
    const y = layer.forward(tf.ones([1, 2, 4]) as tf.Tensor3D, null, ForwardContext.eval());
    expect(y.shape).toEqual([1, 2, 4]);
    expect(() => registerRoutingLayer('identity-test', (o) => new Identity(o))).toThrow(/already registered/);
    registerRoutingLayer('identity-test', (o) => new Identity(o), { replace: true });
    expect(() => registerRoutingLayer('bissm', (o) => new Identity(o), { replace: true })).toThrow(
      /'bissm' is a built-in/,
    );
    expect(() => registerRoutingLayer('bad name', (o) => new Identity(o))).toThrow(/name must match/);
    expect(() => registerRoutingLayer('x', 3 as never)).toThrow(/factory for 'x' must be a function/);
    registerRoutingLayer('broken-test', () => ({}) as never);
    expect(() => createRoutingLayer('broken-test', { hiddenSize: 4 })).toThrow(/must return a RoutingLayer/);
    expect(unregisterRoutingLayer('broken-test')).toBe(true);
    expect(() => unregisterRoutingLayer('attention')).toThrow(/built-in/);
  });

  it('built-ins validate their options', () => {
    expect(() => createRoutingLayer('attention', { hiddenSize: 8, numAttentionHeads: 3 })).toThrow(
      /hiddenSize \(8\) must be divisible by numAttentionHeads \(3\)/,
    );
    expect(() => createRoutingLayer('bissm', { hiddenSize: 0 })).toThrow(
      /hiddenSize must be an integer >= 1, got 0/,
    );
    expect(() => createRoutingLayer('bissm', { hiddenSize: 8, blockGelu: 'relu' as never })).toThrow(
      /blockGelu must be 'tanh' \| 'erf'/,
    );
    const r = createRoutingLayer('bissm', { hiddenSize: 8, numSsm: 4 });
    expect(() => r.forward(tf.zeros([1, 5, 7]) as tf.Tensor3D, null, ForwardContext.eval())).toThrow(
      /x must have shape \[B, L, 8\], got \[1, 5, 7\]/,
    );
    r.dispose();
  });
});
