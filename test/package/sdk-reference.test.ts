import { Application, Logger, LogLevel, ReflectionKind, type DeclarationReflection } from 'typedoc';
import { describe, expect, it } from 'vitest';

/** Collects what TypeDoc would print, instead of printing it. */
class CollectingLogger extends Logger {
  readonly problems: string[] = [];
  override log(message: string, level: LogLevel): void {
    super.log(message, level);
    if (level >= LogLevel.Warn) this.problems.push(`${LogLevel[level]}: ${message}`);
  }
}

// `npm run docs:sdk` with the same options, without writing the HTML: the API
// reference builds with no warning (every export documented, no broken link).
describe('the SDK reference', () => {
  it('builds with TypeDoc without a warning, and every export has an @example', async () => {
    const app = await Application.bootstrapWithPlugins({ options: 'packages/sdk/typedoc.json' });
    const logger = new CollectingLogger();
    app.logger = logger;
    const project = await app.convert();
    expect(project).toBeDefined();
    if (project === undefined) return;
    app.validate(project);
    expect(logger.problems).toEqual([]);

    const exports = project.getChildrenByKind(ReflectionKind.All & ~ReflectionKind.Module) as DeclarationReflection[];
    expect(exports.length).toBeGreaterThan(50);
    const hasExample = (r: DeclarationReflection): boolean =>
      [r.comment, ...(r.signatures ?? []).map((s) => s.comment)].some((c) => c?.getTag('@example') !== undefined);
    expect(exports.filter((r) => !hasExample(r)).map((r) => r.name)).toEqual([]);
  });
});
