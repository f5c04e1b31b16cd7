export { createRng, fmix32, mix32, mixPermutation, permutation, Rng, rngFromWords } from './rng.js';
