export {
  type AnalysisResult,
  type AnalyzedText,
  type AnalyzeOptions,
  analyzeModel,
  DEFAULT_TEXT,
  TEXT_EXCERPT_CHARS,
  TEXT_FILE,
} from './analyze.js';
export {
  type ReportBlock,
  type ReportDocument,
  type ReportSection,
  renderHtml,
  renderMarkdown,
} from './document.js';
