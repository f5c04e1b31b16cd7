/** Types of check-exported-names.mjs (for the repository test). */
export declare const ROOT: string;
/** One definition of an exported name: the package exporting it and where the declaration is (`file:line`). */
export interface ExportDefinition {
  pkg: string;
  definition: string;
}
/** A name exported by several packages with different definitions. */
export interface ExportConflict {
  name: string;
  definitions: ExportDefinition[];
}
export declare function libraryEntries(root?: string): { name: string; entry: string }[];
export declare function findExportConflicts(root?: string): ExportConflict[];
