/**
 * Reading the question: the names it may refer to, the environment and places it names. Regular
 * expressions here read the person's words, never a tool's.
 */

const STOPWORDS = new Set(
  `a an the is are was were be been am do does did why what whats what's how when where who which can
   could would should will not no isnt isn't doesnt doesn't dont don't cant can't won't wont my our
   your their its it this that these those there here in on at of for to from with by and or but as
   into about app application service deployment pod pods workload namespace ns cluster failing fail
   fails failed failure broken down erroring errors error crash crashing crashes crashloop working work
   works up running run start starting started stuck slow issue issues problem problems wrong happen
   happening happened going on going please help me us we i you hey hi bot sre-bot check look any all
   some now today again still keeps keep getting get sync syncing synced synchronize deploy deploying
   deployed rollout release healthy unhealthy degraded status state policy policies kyverno argocd argo
   cd violating violation violations report reports audit blocked block denied anything something
   everything nothing stuff thing things else fine okay ok alright weird odd strange trouble outage
   outages incident incidents alert alerts alerting going wrong right currently lately recently
   environment env`.split(/\s+/),
);

const ENVIRONMENTS: Record<string, string[]> = {
  prod: ['prod', 'production', 'prd'],
  staging: ['staging', 'stage', 'stg'],
  dev: ['dev', 'development'],
  qa: ['qa', 'test', 'testing'],
};

/** Names a question might refer to: words and hyphenated names that are not common words. */
export function candidateTerms(question: string): string[] {
  const words = question.toLowerCase().match(/[a-z0-9][a-z0-9.-]*[a-z0-9]/g) ?? [];
  const environmentWords = new Set(Object.values(ENVIRONMENTS).flat());
  const terms = words.filter(
    (word) => word.length >= 3 && !STOPWORDS.has(word) && !environmentWords.has(word) && !/^\d+$/.test(word),
  );
  return [...new Set(terms)].slice(0, 4);
}

/** The environment a question names (`prod`, `staging`, ...), if any. */
export function environmentOf(question: string): string | undefined {
  const words = new Set(question.toLowerCase().match(/[a-z]+/g) ?? []);
  return Object.entries(ENVIRONMENTS).find(([, synonyms]) => synonyms.some((word) => words.has(word)))?.[0];
}

/** Whether the question names the instance by its whole name (`prod-us`), not by a part of it. */
export function namesWholly(instance: string, question: string): boolean {
  return new Set(question.toLowerCase().match(/[a-z0-9]+(?:-[a-z0-9]+)*/g) ?? []).has(instance.toLowerCase());
}

/**
 * Words of the question that name an instance: the whole name (`prod-eu`) or a distinctive part
 * of it (`eu` in `argocd-eu-1`).
 */
export function matchesLocation(instance: string, question: string): boolean {
  const words = new Set(question.toLowerCase().match(/[a-z0-9]+(?:-[a-z0-9]+)*/g) ?? []);
  if (words.has(instance.toLowerCase())) return true;
  const parts = new Set(question.toLowerCase().match(/[a-z0-9]+/g) ?? []);
  const generic = new Set(['argocd', 'argo', 'cd', 'cluster', 'k8s', 'kube', 'kubernetes', 'kyverno']);
  return instance
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .some((part) => part.length >= 2 && !/^\d+$/.test(part) && !generic.has(part) && parts.has(part));
}

/** Whether an instance's name carries the environment (`prod` in `argocd-prod-eu`); true when none is asked for. */
export function matchesEnvironment(instance: string, environment: string | undefined): boolean {
  if (!environment) return true;
  const parts = instance.toLowerCase().split(/[^a-z0-9]+/);
  return (ENVIRONMENTS[environment] ?? [environment]).some((word) => parts.includes(word));
}

/** An explicitly named namespace ("namespace payments", "ns payments", "in payments namespace"). */
export function explicitNamespace(question: string): string | undefined {
  const match =
    /\b(?:namespace|ns)\s+([a-z0-9][a-z0-9-]*)/i.exec(question) ??
    /\b([a-z0-9][a-z0-9-]*)\s+namespace\b/i.exec(question);
  return match?.[1]?.toLowerCase();
}
