/**
 * The webgpu engine's set-up: a missing `webgpu` package gives a reason naming it; on a software adapter
 * (SwiftShader in CI) `auto` moves on with a note and an explicit request runs, naming the adapter.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { initEngine } from './init-engine.js';
import {
  describeAdapter,
  probeWebgpuAdapter,
  setWebgpuImporterForTesting,
  webgpuAvailability,
} from './webgpu-engine.js';

const previous = tf.getBackend();
const availability = await webgpuAvailability();
const software = availability.available && /software adapter/.test(availability.reason);
afterAll(async () => {
  setWebgpuImporterForTesting(null);
  if (previous) await tf.setBackend(previous);
});

describe('webgpu engine', () => {
  it('without the webgpu package (and no navigator.gpu) the reason names the package to add', async () => {
    const nav = (globalThis as { navigator?: Record<string, unknown> }).navigator;
    const saved = nav !== undefined ? Object.getOwnPropertyDescriptor(nav, 'gpu') : undefined;
    if (nav !== undefined && saved !== undefined) delete nav.gpu;
    setWebgpuImporterForTesting(async (s) => {
      throw Object.assign(new Error(`Cannot find package '${s}'`), { code: 'ERR_MODULE_NOT_FOUND' });
    });
    try {
      await expect(probeWebgpuAdapter()).rejects.toThrow(
        /optional package webgpu \(Dawn\), which is not installed\. Add it with `pnpm add webgpu@0\.6\.2`/,
      );
      const a = await webgpuAvailability();
      expect(a.available).toBe(false);
    } finally {
      setWebgpuImporterForTesting(null);
      if (nav !== undefined && saved !== undefined) Object.defineProperty(nav, 'gpu', saved);
    }
  });

  it('describes adapters in one line', () => {
    const base = {
      vendor: 'google',
      architecture: 'swiftshader',
      device: '',
      source: 'webgpu (Dawn)' as const,
    };
    expect(describeAdapter({ ...base, description: 'SwiftShader driver 5.0.0', software: true })).toBe(
      'google swiftshader (SwiftShader driver 5.0.0, software)',
    );
    expect(describeAdapter({ ...base, vendor: '', architecture: '', description: '', software: false })).toBe(
      'unnamed adapter',
    );
  });

  it.runIf(software)(
    "a software adapter: 'auto' skips it with a note, 'webgpu' runs on it and names it",
    async () => {
      const auto = await initEngine({ backend: 'auto', quiet: true });
      expect(auto.variant).not.toBe('webgpu');
      expect(auto.notes.join('; ')).toMatch(
        /auto: webgpu unavailable \(webgpu has only a software adapter here/,
      );
      const info = await initEngine({ backend: 'webgpu', quiet: true });
      expect(info.variant).toBe('webgpu');
      expect(info.backend).toBe('webgpu');
      expect(info.adapter?.software).toBe(true);
      expect(info.package).toBe('@tensorflow/tfjs-backend-webgpu');
    },
  );
});
