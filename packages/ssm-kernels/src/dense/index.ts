export {
  fastBatchMatMulGradConfig,
  installFastMatMulGradient,
  isFastMatMulGradientInstalled,
  uninstallFastMatMulGradient,
} from './batch-matmul-grad.js';
export { dense, denseReference, matMulTakesTransposeFlags } from './dense.js';
