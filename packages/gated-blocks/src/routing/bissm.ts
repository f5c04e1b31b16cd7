import { mix32 } from '@bigs/common';
import type { BiGSScaling, ConvStrategy } from '@bigs/ssm-kernels';
import * as tf from '@tensorflow/tfjs';
import { checkGeluKind, type GeluKind, gelu } from '../layers/activations.js';
import { Dense } from '../layers/dense.js';
import { checkPositiveInt } from '../layers/layer-norm.js';
import type { ForwardContext } from '../module/context.js';
import {
  checkRoutingInputs,
  RoutingLayer,
  type RoutingLayerInfo,
  type RoutingLayerOptions,
} from './routing-layer.js';
import { S4DLayer } from './s4d-layer.js';

/** How the backward branch is computed. Both give the same numbers (tested); `anticausal` does no flips. */
export type BackwardMode = 'anticausal' | 'flip';

/** Options of {@link BiSSMRouting} (the common routing options plus `backwardMode`). */
export interface BiSSMOptions extends RoutingLayerOptions {
  /**
   * `anticausal` (default): Dense∘anticausalConv∘Dense on the unflipped input. `flip`: the literal Flax form
   * flip∘Dense∘causalConv∘Dense∘flip. Dense layers are position-wise, so the two are equal.
   */
  backwardMode?: BackwardMode;
}

/**
 * The BiGS bidirectional SSM routing (`bissm`), exactly docs/guide/architecture.md#bigs-block (Flax `FlaxBiGSLayer.apply_s4` minus the gate v):
 *
 *   u_f = gelu(du_forward(x)),  u_b = gelu(du_backward(flip x)),
 *   y_f = fs4(u_f) (causal),    y_b = bs4(u_b) (causal on the reversed sequence),
 *   out = duc_forward(y_f) ⊙ flip(duc_backward(y_b))                       — [B, L, H]
 *
 * computed flip-free by default (the backward conv runs anticausally on the unflipped sequence).
 * The padding mask is **ignored** (docs/guide/architecture.md#length-and-padding): pad tokens are ordinary tokens for the SSMs, so outputs at real
 * positions depend on the padding (through the backward SSM).
 *
 * Children: `du_forward`, `du_backward`, `duc_forward`, `duc_backward` (Dense H→H), `fs4`, `bs4` ({@link S4DLayer}).
 *
 * @example
 * const r = new BiSSMRouting({ hiddenSize: 8, numSsm: 4, seed: 1 });
 * r.forward(tf.randomNormal([2, 9, 8]) as tf.Tensor3D, null, ForwardContext.eval()); // [2, 9, 8]
 */
export class BiSSMRouting extends RoutingLayer {
  static readonly INFO: RoutingLayerInfo = Object.freeze({
    name: 'bissm',
    usesMask: false,
    description:
      'BiGS bidirectional S4D pair (shared kernel per direction), combined by element-wise product',
  });
  readonly info = BiSSMRouting.INFO;
  readonly hiddenSize: number;
  readonly blockGelu: GeluKind;
  readonly backwardMode: BackwardMode;
  readonly duForward: Dense;
  readonly duBackward: Dense;
  readonly ducForward: Dense;
  readonly ducBackward: Dense;
  readonly fs4: S4DLayer;
  readonly bs4: S4DLayer;

  constructor(options: BiSSMOptions) {
    super();
    const hiddenSize = checkPositiveInt('bissm', 'hiddenSize', options.hiddenSize);
    const numSsm = checkPositiveInt('bissm', 'numSsm', options.numSsm ?? 64);
    const seed = options.seed ?? 0;
    const initializerRange = options.initializerRange ?? 0.02;
    const scaling: BiGSScaling = options.scaling ?? 'hippo';
    const convStrategy: ConvStrategy = options.convStrategy ?? 'auto';
    this.blockGelu = checkGeluKind('bissm', 'blockGelu', options.blockGelu ?? 'tanh');
    const mode = options.backwardMode ?? 'anticausal';
    if (mode !== 'anticausal' && mode !== 'flip') {
      throw new Error(`bissm: backwardMode must be 'anticausal' | 'flip', got ${JSON.stringify(mode)}`);
    }
    this.backwardMode = mode;
    this.hiddenSize = hiddenSize;
    const d = (name: string, i: number) =>
      this.addChild(
        name,
        new Dense({
          inFeatures: hiddenSize,
          outFeatures: hiddenSize,
          initializerRange,
          seed: mix32(seed, i),
        }),
      );
    this.duForward = d('du_forward', 1);
    this.duBackward = d('du_backward', 2);
    this.ducForward = d('duc_forward', 3);
    this.ducBackward = d('duc_backward', 4);
    this.fs4 = this.addChild('fs4', new S4DLayer({ numSsm, scaling, convStrategy, seed: mix32(seed, 5) }));
    this.bs4 = this.addChild('bs4', new S4DLayer({ numSsm, scaling, convStrategy, seed: mix32(seed, 6) }));
  }

  /** @param x `[B, L, H]`; `mask` is ignored (see class doc). @returns `[B, L, H]`. */
  forward(x: tf.Tensor3D, mask: tf.Tensor2D | null, _ctx: ForwardContext): tf.Tensor3D {
    checkRoutingInputs('bissm.forward', x, mask, this.hiddenSize);
    return tf.tidy(() => {
      const uF = gelu(this.duForward.forward(x), this.blockGelu); // [B, L, H]
      const cF = this.ducForward.forward(this.fs4.forward(uF, 'causal')); // [B, L, H]
      let cB: tf.Tensor3D; // [B, L, H], original order
      if (this.backwardMode === 'anticausal') {
        const uB = gelu(this.duBackward.forward(x), this.blockGelu); // [B, L, H]
        cB = this.ducBackward.forward(this.bs4.forward(uB, 'anticausal')); // [B, L, H]
      } else {
        const uB = gelu(this.duBackward.forward(tf.reverse(x, 1)), this.blockGelu); // [B, L, H], reversed order
        cB = tf.reverse(this.ducBackward.forward(this.bs4.forward(uB, 'causal')), 1); // [B, L, H]
      }
      return tf.mul(cF, cB); // [B, L, H]
    });
  }
}
