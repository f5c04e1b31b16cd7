export { dense, denseReference } from './dense.js';
export {
  fastBatchMatMulGradConfig,
  installFastMatMulGradient,
  isFastMatMulGradientInstalled,
  uninstallFastMatMulGradient,
} from './batch-matmul-grad.js';
