/**
 * The layer rule (issue #26): imports run one way,
 *
 *   domain ← ports ← services ← adapters / http ← composition root (shared/composition.ts)
 *          ← functions / cli            (through the composition root, never an adapter)
 *          ← local / bench / infra      (the platform's edge: they may build adapters themselves)
 *
 * and the SDK (sdk/, published as @taskfleet/sdk) depends on nothing of the server's.
 * shared/errors.ts (the domain's typed errors) and shared/topology/ (the stack's
 * description as data) sit beside the domain: pure, importing only the domain.
 *
 * `npm run lint` runs it; test/unit/layer-rule.test.ts shows it failing on a deliberately
 * wrong import (test/fixtures/layer-rule) and keeps the list below exact.
 */

/**
 * Imports against the layers that other branches remove. Each is excused here by its
 * exact from → to pair (nothing broader), so any new one still fails. The layer-rule
 * test fails when one of them is gone: then delete its line.
 */
const { existsSync } = require('node:fs');

const KNOWN_VIOLATIONS = [
];

const strict = process.env.LAYER_RULE_STRICT === '1';

/** A rule, minus the known violations that match it (none in strict mode, which the test uses). */
function rule(name, comment, from, to) {
  const excused = strict ? [] : KNOWN_VIOLATIONS.filter((v) => new RegExp(from.path).test(v.from.replace(/[\^$\\]/g, '')));
  if (excused.length === 0) return { name, comment, severity: 'error', from, to };
  // One rule per excused source file, with that file's excused targets left out, plus the rule for every other file.
  const sources = [...new Set(excused.map((v) => v.from))];
  return [
    { name, comment, severity: 'error', from: { ...from, pathNot: [...[from.pathNot ?? []].flat(), ...sources] }, to },
    ...sources.map((source) => ({
      name,
      comment,
      severity: 'error',
      from: { path: source },
      to: { ...to, pathNot: [...[to.pathNot ?? []].flat(), ...excused.filter((v) => v.from === source).map((v) => v.to)] },
    })),
  ];
}

/** Any file of this project (npm packages resolve under node_modules/, builtins have no folder). */
const PROJECT = '^(?!node_modules/)[a-z-]+/';
const OUTER = '^(functions|local|cli|bench|infra|handlers|ui|test)/';

module.exports = {
  forbidden: [
    rule('domain-is-pure', 'shared/domain imports only the domain and its errors (shared/errors.ts)', { path: '^shared/domain/' }, { path: PROJECT, pathNot: '^shared/(domain/|errors\\.ts$)' }),
    rule('errors-are-pure', 'shared/errors.ts imports nothing of the project', { path: '^shared/errors\\.ts$' }, { path: PROJECT }),
    rule('topology-is-data', 'shared/topology describes the stack as data: it imports only the domain', { path: '^shared/topology/' }, { path: PROJECT, pathNot: '^shared/(domain|topology)/' }),
    rule('ports-import-the-domain', 'ports are interfaces over the domain: they import only domain, errors and other ports', { path: '^shared/ports/' }, { path: PROJECT, pathNot: '^shared/(domain/|ports/|errors\\.ts$)' }),
    rule('services-over-ports', 'services import the domain and ports, never an adapter, the HTTP edge, the composition root or the SDK', { path: '^shared/services/' }, { path: `^(shared/(adapters|http)/|shared/composition\\.ts$|sdk/|${OUTER.slice(1)})` }),
    rule('adapters-below-services', 'adapters implement ports: they import the domain and ports, never a service, the HTTP edge, the composition root or the SDK', { path: '^shared/adapters/' }, { path: `^(shared/(services|http)/|shared/composition\\.ts$|sdk/|${OUTER.slice(1)})` }),
    rule('shared-below-the-edges', 'nothing in shared/ imports the composition root or the edges (functions, local, cli, bench, infra)', { path: '^shared/', pathNot: '^shared/composition\\.ts$' }, { path: `^(shared/composition\\.ts$|${OUTER.slice(1)})` }),
    rule('sdk-stands-alone', 'the SDK (published alone as @taskfleet/sdk) imports nothing of the server', { path: '^sdk/' }, { path: '^(shared|functions|local|cli|bench|infra|handlers|ui)/' }),
    rule('functions-through-the-root', 'a Lambda entry gets its adapters from the composition root, never builds one', { path: '^functions/' }, { path: '^shared/adapters/' }),
    rule('cli-through-the-root', 'the CLI talks to the API through the SDK, or to the stack through the composition root, never an adapter', { path: '^cli/' }, { path: '^(shared/adapters/|local/|bench/|functions/)' }),
    rule('no-cycles', 'no import cycle at run time (a type-only import back is harmless)', { path: '.' }, { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } }),
  ].flat(),
  options: {
    // Type-only imports count: a service that names an adapter's type depends on it.
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|cdk\\.out|packages/sdk/dist|ui/generated)/' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs', '.cjs'] },
    // The project's path settings, when run from its root (the layer-rule test runs it on a fixture folder without one).
    ...(existsSync('tsconfig.json') ? { tsConfig: { fileName: 'tsconfig.json' } } : {}),
  },
};

// For the layer-rule test (not enumerable: dependency-cruiser refuses unknown keys).
Object.defineProperty(module.exports, 'KNOWN_VIOLATIONS', { value: KNOWN_VIOLATIONS, enumerable: false });
