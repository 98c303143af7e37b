/**
 * BM25 full-text search over skills (name, description, signals, body), with field boosts.
 * An inverted index keeps a query to the postings of its terms, so a search over thousands of
 * skills stays well under a millisecond or two.
 */

/** The text of one document, by field. */
export interface SearchDocument {
  name: string;
  description: string;
  signals: string;
  body: string;
}

/** A ranked search result. */
export interface SearchResult {
  name: string;
  score: number;
}

const FIELD_BOOST = { name: 3, description: 2, signals: 2, body: 1 } as const;
const K1 = 1.2;
const B = 0.75;

const STOPWORDS = new Set(
  (
    'a an and are as at be but by do does for from has have how i if in into is it its my no not of on or our so ' +
    'that the their then there these this to was were what when where which who why will with you your'
  ).split(' '),
);

/** A light stemmer: enough that "evicted", "evictions" and "eviction" meet. */
function stem(word: string): string {
  if (word.length <= 4) return word;
  for (const suffix of ['ations', 'ation', 'ings', 'ing', 'ions', 'ion', 'ies', 'ed', 'es', 's']) {
    if (word.endsWith(suffix) && word.length - suffix.length >= 4) {
      return suffix === 'ies' ? `${word.slice(0, -3)}y` : word.slice(0, -suffix.length);
    }
  }
  return word;
}

/** Lowercases, splits on anything not a letter or digit (CamelCase words split too), drops stopwords, stems. */
export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  const spaced = text.replace(/([a-z0-9])([A-Z])/g, '$1 $2');
  for (const raw of spaced.toLowerCase().split(/[^a-z0-9]+/)) {
    if (raw.length < 2 || STOPWORDS.has(raw)) continue;
    tokens.push(stem(raw));
  }
  return tokens;
}

interface IndexedDocument {
  name: string;
  length: number;
  terms: Map<string, number>;
}

/** An updatable BM25 index keyed by skill name. */
export class SearchIndex {
  private readonly documents = new Map<string, IndexedDocument>();
  /** Term → the documents holding it, with the term's boosted frequency there. */
  private readonly postings = new Map<string, Map<IndexedDocument, number>>();
  private totalLength = 0;

  get size(): number {
    return this.documents.size;
  }

  /** Adds or replaces a document. */
  upsert(document: SearchDocument): void {
    this.remove(document.name);
    const terms = new Map<string, number>();
    let length = 0;
    for (const field of Object.keys(FIELD_BOOST) as Array<keyof typeof FIELD_BOOST>) {
      const boost = FIELD_BOOST[field];
      const text = field === 'name' ? document.name.replace(/-/g, ' ') : document[field];
      for (const token of tokenize(text)) {
        terms.set(token, (terms.get(token) ?? 0) + boost);
        length += boost;
      }
    }
    const indexed = { name: document.name, length, terms };
    this.documents.set(document.name, indexed);
    this.totalLength += length;
    for (const [term, frequency] of terms) {
      let posting = this.postings.get(term);
      if (!posting) {
        posting = new Map();
        this.postings.set(term, posting);
      }
      posting.set(indexed, frequency);
    }
  }

  /** Drops a document (no-op when absent). */
  remove(name: string): void {
    const existing = this.documents.get(name);
    if (!existing) return;
    this.documents.delete(name);
    this.totalLength -= existing.length;
    for (const term of existing.terms.keys()) {
      const posting = this.postings.get(term);
      posting?.delete(existing);
      if (posting?.size === 0) this.postings.delete(term);
    }
  }

  /** Ranks documents for a free-text query; an exact skill name ranks first. */
  search(query: string, limit = 10): SearchResult[] {
    const count = this.documents.size;
    if (count === 0 || limit <= 0) return [];
    const averageLength = this.totalLength / count;
    const scores = new Map<IndexedDocument, number>();
    for (const term of new Set(tokenize(query))) {
      const posting = this.postings.get(term);
      if (!posting) continue;
      const idf = Math.log(1 + (count - posting.size + 0.5) / (posting.size + 0.5));
      for (const [document, frequency] of posting) {
        const score = (idf * frequency * (K1 + 1)) / (frequency + K1 * (1 - B + (B * document.length) / averageLength));
        scores.set(document, (scores.get(document) ?? 0) + score);
      }
    }
    const exact = this.documents.get(query.trim().toLowerCase());
    if (exact) scores.set(exact, (scores.get(exact) ?? 0) + 100);
    // The best `limit` hits kept in order as they come, instead of sorting every document a common term reaches.
    const top: SearchResult[] = [];
    for (const [document, raw] of scores) {
      const score = Math.round(raw * 1000) / 1000;
      const last = top[top.length - 1];
      if (top.length === limit && last && ranksBefore(last, score, document.name)) continue;
      let at = top.length;
      for (let previous = top[at - 1]; previous && !ranksBefore(previous, score, document.name); previous = top[at - 1])
        at -= 1;
      top.splice(at, 0, { name: document.name, score });
      if (top.length > limit) top.pop();
    }
    return top;
  }
}

/** Whether `hit` ranks before a document with `score` and `name`: higher score first, then by name. */
function ranksBefore(hit: SearchResult, score: number, name: string): boolean {
  return hit.score > score || (hit.score === score && hit.name.localeCompare(name) < 0);
}
