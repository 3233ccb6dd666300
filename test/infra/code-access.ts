import path from 'node:path';
import ts from 'typescript';

/**
 * The AWS actions a Lambda entry's code can call, found by reading the code:
 * a call graph from the entry's `handler`, over the TypeScript checker, that
 * collects each `new <X>Command(...)` of an `@aws-sdk/*` package it reaches.
 *
 * It over-approximates where it must and stays precise where grants differ:
 * - a call through an interface (a port: `deps.schedules.list()`) reaches that
 *   member of every class that implements it or fits it — so GET /schedules
 *   reaches the store's `list`, not its `save`;
 * - a function put in a typed object (`{ finished: (t) => …, jobStopped: x.stopped }`,
 *   the deps the wiring builds) is reached wherever a property of that name is
 *   read, never merely because the wiring built it;
 * - a local variable is its function's business: naming it reaches nothing more;
 * - any other function mentioned in reached code counts as called.
 * So an action it does not find is one no path of the entry calls.
 */
export interface CodeAccess {
  /** `service:Action` (as IAM spells it) the entry's code path may call. */
  actionsOf(entry: string): Set<string>;
  /** How the entry reaches an action: the chain of functions, for a failing test's message. */
  explain(entry: string, action: string): string[];
}

/** An SDK command's name (without `Command`) → its IAM action, where they differ. */
const ACTION_OF_COMMAND: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  dynamodb: {
    Get: 'GetItem',
    Put: 'PutItem',
    Update: 'UpdateItem',
    Delete: 'DeleteItem',
    BatchGet: 'BatchGetItem',
    BatchWrite: 'BatchWriteItem',
    // A transaction is authorized per item: its items' kinds are collected below.
    TransactWrite: '',
    TransactWriteItems: '',
    TransactGet: 'GetItem',
    TransactGetItems: 'GetItem',
  },
  // The batch calls are authorized as their single forms.
  sqs: {
    SendMessageBatch: 'SendMessage',
    DeleteMessageBatch: 'DeleteMessage',
    ChangeMessageVisibilityBatch: 'ChangeMessageVisibility',
  },
  s3: { DeleteObjects: 'DeleteObject', HeadObject: 'GetObject' },
  sns: { PublishBatch: 'Publish' },
};

/** A transaction item's key → the action that authorizes it. */
const TRANSACT_ITEM_ACTION: Readonly<Record<string, string>> = {
  Put: 'dynamodb:PutItem',
  Update: 'dynamodb:UpdateItem',
  Delete: 'dynamodb:DeleteItem',
  ConditionCheck: 'dynamodb:ConditionCheckItem',
};

/** What AWS checks on the caller besides the call itself: publishing to a KMS-encrypted topic. */
const IMPLIED: Readonly<Record<string, readonly string[]>> = {
  'sns:Publish': ['kms:Decrypt', 'kms:GenerateDataKey'],
};

/** `@aws-sdk/client-sqs` → `sqs`, `@aws-sdk/lib-dynamodb` → `dynamodb`. */
function serviceOf(fileName: string): string | undefined {
  const match = /node_modules\/@aws-sdk\/(client|lib)-([a-z0-9-]+)\//.exec(fileName.replaceAll('\\', '/'));
  return match?.[2];
}

/** The IAM action of an SDK command class, or undefined for one that is not a command. */
export function actionOfCommand(service: string, className: string): string | undefined {
  if (!className.endsWith('Command')) return undefined;
  const name = className.slice(0, -'Command'.length);
  const mapped = ACTION_OF_COMMAND[service]?.[name] ?? name;
  return mapped === '' ? undefined : `${service}:${mapped}`;
}

const isFunctionLike = (node: ts.Node): node is ts.SignatureDeclaration & { body?: ts.Node } =>
  ts.isFunctionDeclaration(node) ||
  ts.isMethodDeclaration(node) ||
  ts.isArrowFunction(node) ||
  ts.isFunctionExpression(node) ||
  ts.isConstructorDeclaration(node) ||
  ts.isGetAccessorDeclaration(node) ||
  ts.isSetAccessorDeclaration(node);

/** Builds one program over the entries (paths relative to `root`) and answers for each. */
export function readCodeAccess(root: string, entries: readonly string[]): CodeAccess {
  const configPath = path.join(root, 'tsconfig.json');
  const config = ts.getParsedCommandLineOfConfigFile(configPath, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
  if (config === undefined) throw new Error(`cannot read ${configPath}`);
  const program = ts.createProgram(
    entries.map((e) => path.join(root, e)),
    config.options,
  );
  const checker = program.getTypeChecker();
  const ours = (file: ts.SourceFile) => !file.isDeclarationFile && !file.fileName.includes('/node_modules/');
  const sources = program.getSourceFiles().filter(ours);

  // Values put in a typed object, by the property declaration they fill: reached where it is read.
  const valuesByProperty = new Map<string, ts.Node[]>();
  const deferred = new Set<ts.Node>();
  // Class members by name, for calls through an interface.
  const classMembersByName = new Map<string, { member: ts.ClassElement; cls: ts.ClassLikeDeclaration }[]>();

  const index = (node: ts.Node): void => {
    if (ts.isObjectLiteralExpression(node)) {
      const contextual = checker.getContextualType(node);
      for (const property of node.properties) {
        if (property.name === undefined || contextual === undefined) continue;
        const value = ts.isPropertyAssignment(property)
          ? property.initializer
          : ts.isShorthandPropertyAssignment(property)
            ? property.name
            : ts.isMethodDeclaration(property)
              ? property
              : undefined;
        // Only a function value waits for its property's reader; data is built in place.
        if (value === undefined || checker.getTypeAtLocation(value).getCallSignatures().length === 0) continue;
        const name = property.name.getText();
        const declarations = contextual.isUnion()
          ? contextual.types.flatMap((t) => checker.getPropertyOfType(t, name)?.declarations ?? [])
          : (checker.getPropertyOfType(contextual, name)?.declarations ?? []);
        const inOurs = declarations.filter((d) => ours(d.getSourceFile()));
        if (inOurs.length === 0) continue;
        deferred.add(value);
        valuesByProperty.set(name, [...(valuesByProperty.get(name) ?? []), value]);
      }
    }
    if (ts.isClassLike(node)) {
      for (const member of node.members) {
        const name = member.name?.getText();
        if (name === undefined) continue;
        classMembersByName.set(name, [...(classMembersByName.get(name) ?? []), { member, cls: node }]);
      }
    }
    ts.forEachChild(node, index);
  };
  for (const file of sources) index(file);

  /** The interfaces a class declares it implements, with the interfaces they extend. */
  const implemented = (cls: ts.ClassLikeDeclaration): Set<ts.Declaration> => {
    const found = new Set<ts.Declaration>();
    const add = (type: ts.Type): void => {
      for (const d of type.getSymbol()?.declarations ?? []) {
        if (found.has(d)) continue;
        found.add(d);
        if (type.isClassOrInterface()) for (const base of checker.getBaseTypes(type)) add(base);
      }
    };
    for (const clause of cls.heritageClauses ?? []) {
      if (clause.token === ts.SyntaxKind.ImplementsKeyword) for (const t of clause.types) add(checker.getTypeAtLocation(t));
    }
    return found;
  };

  /** The class members a call through an interface member may land on: those of classes that declare they implement it. */
  const implementations = (signature: ts.Declaration): ts.Node[] => {
    const owner = signature.parent;
    if (!ts.isInterfaceDeclaration(owner)) return [];
    const name = (signature as ts.NamedDeclaration).name?.getText() ?? '';
    const ownerType = checker.getTypeAtLocation(owner);
    return (classMembersByName.get(name) ?? [])
      .filter(({ cls }) => implemented(cls).has(owner) || checker.isTypeAssignableTo(checker.getTypeAtLocation(cls), ownerType))
      .map(({ member }) => member);
  };

  const cache = new Map<string, Set<string>>();
  const chains = new Map<string, (action: string) => string[]>();
  return {
    actionsOf(entry: string): Set<string> {
      const known = cache.get(entry);
      if (known !== undefined) return known;
      const file = program.getSourceFile(path.join(root, entry));
      if (file === undefined) throw new Error(`${entry} is not in the program`);
      const actions = new Set<string>();
      const visited = new Set<ts.Node>();
      const queue: ts.Node[] = [];
      const from = new Map<ts.Node, ts.Node | undefined>();
      const firstSeen = new Map<string, ts.Node>();
      const reach = (node: ts.Node | undefined): void => {
        if (node === undefined || visited.has(node) || !ours(node.getSourceFile())) return;
        visited.add(node);
        from.set(node, queue[0]);
        queue.push(node);
      };
      const found = (action: string): void => {
        actions.add(action);
        if (!firstSeen.has(action)) firstSeen.set(action, queue[0]!);
      };

      const reachDeclaration = (decl: ts.Declaration): void => {
        if (isFunctionLike(decl)) {
          reach(decl);
          return;
        }
        // A local variable's initializer runs in its function, already visited; a module's at import.
        if (ts.isVariableDeclaration(decl)) {
          if (ts.isSourceFile(decl.parent.parent.parent)) reach(decl.initializer);
          return;
        }
        if (ts.isPropertyDeclaration(decl)) reach(decl.initializer);
        // A property read: whatever function a typed object put there, or a class that implements it.
        if (ts.isPropertySignature(decl) || ts.isMethodSignature(decl) || ts.isPropertyDeclaration(decl)) {
          for (const value of valuesByProperty.get(decl.name.getText()) ?? []) reach(value);
          for (const member of implementations(decl)) reach(member);
          return;
        }
        // `const { send } = deps` and `({ send }) => send()`: a property read by another name.
        if (ts.isBindingElement(decl) && ts.isObjectBindingPattern(decl.parent)) {
          for (const value of valuesByProperty.get((decl.propertyName ?? decl.name).getText()) ?? []) reach(value);
          return;
        }
        if (ts.isClassDeclaration(decl) || ts.isClassExpression(decl)) {
          // `new X()`: its constructor and its fields' initializers run.
          for (const member of decl.members) {
            if (ts.isConstructorDeclaration(member)) reach(member);
            if (ts.isPropertyDeclaration(member) && member.initializer !== undefined && !isFunctionLike(member.initializer)) reach(member.initializer);
          }
        }
      };

      const visit = (node: ts.Node): void => {
        // Imports and types call nothing (`typeof f` in a type is no call of f).
        if (ts.isImportDeclaration(node) || ts.isTypeNode(node) || ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node)) return;
        if (node !== queue[0] && deferred.has(node)) return; // reached where its property is read
        if (node !== queue[0] && isFunctionLike(node) && !ts.isClassLike(node.parent)) reach(node);
        if (node !== queue[0] && isFunctionLike(node)) return;
        if (ts.isNewExpression(node)) {
          const symbol = checker.getSymbolAtLocation(node.expression);
          const target = symbol && symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
          for (const decl of target?.declarations ?? []) {
            const service = serviceOf(decl.getSourceFile().fileName);
            const action = service === undefined ? undefined : actionOfCommand(service, target!.name);
            if (action !== undefined) found(action);
          }
        }
        // A transaction item (`{ Put: {...} }`, `{ Update: update }`): no other code names a key so.
        if (ts.isPropertyAssignment(node) && ts.isIdentifier(node.name) && TRANSACT_ITEM_ACTION[node.name.text] !== undefined) {
          found(TRANSACT_ITEM_ACTION[node.name.text]!);
        }
        if (ts.isIdentifier(node) || ts.isPrivateIdentifier(node)) {
          const symbol = checker.getSymbolAtLocation(node);
          const target = symbol && symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
          for (const decl of target?.declarations ?? []) if (ours(decl.getSourceFile())) reachDeclaration(decl);
          // A shorthand `{ records }` names both a property and a variable.
          if (ts.isShorthandPropertyAssignment(node.parent)) {
            const value = checker.getShorthandAssignmentValueSymbol(node.parent);
            for (const decl of value?.declarations ?? []) if (ours(decl.getSourceFile())) reachDeclaration(decl);
          }
        }
        ts.forEachChild(node, visit);
      };

      // The entry module runs whole at import; `handler` is among its statements.
      for (const statement of file.statements) reach(statement);
      while (queue.length > 0) {
        visit(queue[0]!);
        queue.shift();
      }
      for (const action of [...actions]) for (const implied of IMPLIED[action] ?? []) actions.add(implied);
      const where = (node: ts.Node): string => {
        const file = node.getSourceFile();
        const line = file.getLineAndCharacterOfPosition(node.getStart()).line + 1;
        return `${path.relative(root, file.fileName)}:${line} ${node.getText().split('\n')[0]!.slice(0, 60)}`;
      };
      chains.set(entry, (action) => {
        const chain: string[] = [];
        for (let node = firstSeen.get(action); node !== undefined; node = from.get(node)) chain.push(where(node));
        return chain.reverse();
      });
      cache.set(entry, actions);
      return actions;
    },
    explain(entry: string, action: string): string[] {
      this.actionsOf(entry);
      return chains.get(entry)!(action);
    },
  };
}
