export { createRng, fmix32, mix32, permutation, Rng, rngFromWords } from './rng.js';
