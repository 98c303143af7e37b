/** The structured-result contract the pipeline reads: schemas per tool, the reader, its error. */
export * from './argocd-results.js';
export * from './common-shapes.js';
export * from './error-result.js';
export * from './kubernetes-results.js';
export * from './kyverno-results.js';
export * from './read-result.js';
export * from './result-schemas.js';
export * from './shape-error.js';
