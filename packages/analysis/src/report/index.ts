export { type AnalysisResult, type AnalyzeOptions, analyzeModel, DEFAULT_TEXT } from './analyze.js';
export {
  type ReportBlock,
  type ReportDocument,
  type ReportSection,
  renderHtml,
  renderMarkdown,
} from './document.js';
