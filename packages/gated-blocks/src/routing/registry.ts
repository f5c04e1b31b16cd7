import { AttentionRouting } from './attention.js';
import { BiSSMRouting } from './bissm.js';
import type { RoutingLayer, RoutingLayerInfo, RoutingLayerOptions } from './routing-layer.js';

/** Builds a routing layer from the common options (plus any layer-specific extras). */
export type RoutingLayerFactory = (options: RoutingLayerOptions) => RoutingLayer;

/** Registration options. */
export interface RegisterRoutingLayerOptions {
  /** Whether the layer reads the padding mask (documentation; the instance's `info` is authoritative). */
  usesMask?: boolean;
  /** One line for `routingLayerInfo` and docs. */
  description?: string;
  /** Replace an existing registration of the same name instead of throwing. */
  replace?: boolean;
}

interface Entry {
  factory: RoutingLayerFactory;
  info: RoutingLayerInfo;
  builtIn: boolean;
}

const registry = new Map<string, Entry>();

const NAME_RE = /^[A-Za-z][A-Za-z0-9_-]*$/;

/**
 * Register a routing layer under `name`, so blocks (and model configs) can use it by name.
 * Throws if the name is taken (pass `{ replace: true }` to override a user registration; built-ins cannot be
 * replaced) or malformed.
 *
 * @example
 * registerRoutingLayer('fnet', (o) => new FNetRouting(o), { usesMask: false });
 * createBlock({ architecture: 'gated', routing: 'fnet', hiddenSize: 8, intermediateSize: 16 }); // a Module
 */
export function registerRoutingLayer(
  name: string,
  factory: RoutingLayerFactory,
  options: RegisterRoutingLayerOptions = {},
): void {
  if (typeof name !== 'string' || !NAME_RE.test(name)) {
    throw new Error(`registerRoutingLayer: name must match ${NAME_RE}, got ${JSON.stringify(name)}`);
  }
  if (typeof factory !== 'function') {
    throw new Error(`registerRoutingLayer: factory for '${name}' must be a function, got ${typeof factory}`);
  }
  const existing = registry.get(name);
  if (existing !== undefined) {
    if (existing.builtIn) {
      throw new Error(`registerRoutingLayer: '${name}' is a built-in routing layer and cannot be replaced`);
    }
    if (options.replace !== true) {
      throw new Error(
        `registerRoutingLayer: '${name}' is already registered (pass { replace: true } to replace it); ` +
          `registered: ${listRoutingLayers().join(', ')}`,
      );
    }
  }
  const info: RoutingLayerInfo = {
    name,
    usesMask: options.usesMask ?? false,
    ...(options.description === undefined ? {} : { description: options.description }),
  };
  registry.set(name, { factory, info, builtIn: false });
}

/**
 * Remove a user registration (built-ins cannot be removed). Returns whether something was removed.
 * @example
 * unregisterRoutingLayer('fnet'); // true
 */
export function unregisterRoutingLayer(name: string): boolean {
  const e = registry.get(name);
  if (e === undefined) return false;
  if (e.builtIn) throw new Error(`unregisterRoutingLayer: '${name}' is a built-in routing layer`);
  return registry.delete(name);
}

/**
 * Build the routing layer registered under `name`.
 * @example
 * createRoutingLayer('attention', { hiddenSize: 8, numAttentionHeads: 2 }); // RoutingLayer: [B, L, 8] → [B, L, 8]
 */
export function createRoutingLayer(name: string, options: RoutingLayerOptions): RoutingLayer {
  const entry = registry.get(name);
  if (entry === undefined) {
    throw new Error(
      `createRoutingLayer: unknown routing layer ${JSON.stringify(name)}; registered: ${listRoutingLayers().join(', ')}`,
    );
  }
  if (options === undefined || options === null || typeof options !== 'object') {
    throw new Error(`createRoutingLayer('${name}'): options must be an object with hiddenSize`);
  }
  const layer = entry.factory(options);
  if (
    layer === null ||
    typeof layer !== 'object' ||
    typeof (layer as Partial<RoutingLayer>).forward !== 'function' ||
    typeof (layer as Partial<RoutingLayer>).namedParameters !== 'function'
  ) {
    throw new Error(
      `createRoutingLayer('${name}'): the factory must return a RoutingLayer (a Module with forward)`,
    );
  }
  return layer;
}

/**
 * Names of every registered routing layer, built-ins first, then in registration order.
 * @example
 * listRoutingLayers(); // ['bissm', 'attention', ...]
 */
export function listRoutingLayers(): string[] {
  return [...registry.keys()];
}

/**
 * Static info of a registered routing layer.
 * @example
 * routingLayerInfo('bissm').usesMask; // false
 */
export function routingLayerInfo(name: string): RoutingLayerInfo {
  const entry = registry.get(name);
  if (entry === undefined) {
    throw new Error(
      `routingLayerInfo: unknown routing layer ${JSON.stringify(name)}; registered: ${listRoutingLayers().join(', ')}`,
    );
  }
  return entry.info;
}

registry.set(BiSSMRouting.INFO.name, {
  factory: (o) => new BiSSMRouting(o),
  info: BiSSMRouting.INFO,
  builtIn: true,
});
registry.set(AttentionRouting.INFO.name, {
  factory: (o) => new AttentionRouting(o),
  info: AttentionRouting.INFO,
  builtIn: true,
});
