import * as tf from '@tensorflow/tfjs';

/**
 * Optimizer metadata declared where a parameter is created.
 * The trainer builds its parameter groups from these (DESIGN §4: "declared where parameters are made").
 */
export interface ParamMeta {
  /** Apply decoupled weight decay. The official BiGS code decays everything except biases and LayerNorm scales. */
  weightDecay: boolean;
  /** Multiplier on the group's learning rate (default 1). */
  lrScale?: number;
  /** Optional named group (e.g. `ssm`), so a trainer config can address it. */
  group?: string;
}

/** A trainable tensor with its dotted name (relative to its owning module) and optimizer metadata. */
export interface Parameter {
  readonly name: string;
  readonly variable: tf.Variable;
  readonly meta: ParamMeta;
}

/** How a parameter is initialised: an existing tensor (taken over) or a typed array with a shape. */
export type ParamInit = tf.Tensor | { values: Float32Array; shape: number[] };

/**
 * Base class of every layer: a tree of named parameters (tf.Variables) and child modules.
 *
 * Names are dotted paths (`encoder.layer.0.fs4.A_re`), the order of registration is the order of
 * `namedParameters()`, and every parameter carries {@link ParamMeta} for the optimizer.
 *
 * @example
 * class Scale extends Module {
 *   readonly w = this.addParam('w', tf.ones([4]), { weightDecay: false });
 *   forward(x: tf.Tensor) { return tf.mul(x, this.w); } // [..., 4]
 * }
 * new Scale().namedParameters(); // [['w', Parameter]]
 */
export abstract class Module {
  private readonly ownParams = new Map<string, Parameter>();
  private readonly childModules = new Map<string, Module>();

  /** Register a parameter. The initial tensor is copied into a new tf.Variable and then disposed. */
  protected addParam(name: string, init: ParamInit, meta: ParamMeta): tf.Variable {
    if (!/^[A-Za-z0-9_]+$/.test(name)) {
      throw new Error(`addParam: parameter name '${name}' must match [A-Za-z0-9_]+`);
    }
    if (this.ownParams.has(name) || this.childModules.has(name)) {
      throw new Error(`addParam: '${name}' is already registered on ${this.constructor.name}`);
    }
    const tensor = init instanceof tf.Tensor ? init : tf.tensor(init.values, init.shape, 'float32');
    const variable = tf.variable(tensor, true, undefined, 'float32');
    tensor.dispose();
    this.ownParams.set(name, { name, variable, meta });
    return variable;
  }

  /** Register a child module under `name` (a path segment; digits allowed, e.g. layer `0`). */
  protected addChild<M extends Module>(name: string, child: M): M {
    if (!/^[A-Za-z0-9_]+$/.test(name)) {
      throw new Error(`addChild: module name '${name}' must match [A-Za-z0-9_]+`);
    }
    if (this.ownParams.has(name) || this.childModules.has(name)) {
      throw new Error(`addChild: '${name}' is already registered on ${this.constructor.name}`);
    }
    this.childModules.set(name, child);
    return child;
  }

  /** All parameters of this module and its children, as `[dottedName, Parameter]` in registration order. */
  namedParameters(prefix = ''): Array<[string, Parameter]> {
    const out: Array<[string, Parameter]> = [];
    for (const [name, p] of this.ownParams) out.push([prefix + name, p]);
    for (const [name, child] of this.childModules) out.push(...child.namedParameters(`${prefix}${name}.`));
    return out;
  }

  /** Named parameters as a Map (dotted name → Parameter). */
  parameterMap(): Map<string, Parameter> {
    return new Map(this.namedParameters());
  }

  /** The variables only, e.g. for `tf.variableGrads` / an optimizer's var list. */
  variables(): tf.Variable[] {
    return this.namedParameters().map(([, p]) => p.variable);
  }

  /** Direct children, in registration order. */
  children(): Array<[string, Module]> {
    return [...this.childModules];
  }

  /** Total number of scalar parameters. */
  numParameters(): number {
    return this.namedParameters().reduce((n, [, p]) => n + p.variable.size, 0);
  }

  /** Dispose every variable of the tree. The module must not be used afterwards. */
  dispose(): void {
    for (const [, p] of this.namedParameters()) p.variable.dispose();
  }
}
