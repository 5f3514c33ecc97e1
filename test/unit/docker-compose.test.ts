/**
 * Static checks of docker/Dockerfile, docker/compose.yaml and .dockerignore. There is no Docker
 * engine in CI, so these parse the files and check that they agree with each other and with
 * the repository: build targets exist, ports line up, entry points are built from real
 * sources, services wait for what they need, and no secret is written in plain text.
 */
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { parse } from 'yaml';

const ROOT = path.resolve(__dirname, '../..');
const DOCKER_DIR = path.resolve(__dirname, '../..', 'docker');
const DOCKERFILE = path.resolve(__dirname, '../..', 'docker/Dockerfile');
const COMPOSE_FILE = path.resolve(__dirname, '../..', 'docker/compose.yaml');
const DOCKERIGNORE = path.resolve(__dirname, '../..', '.dockerignore');

// ----------------------------------------------------------------------------------------------
// Dockerfile
// ----------------------------------------------------------------------------------------------

interface Instruction {
  keyword: string;
  args: string;
}

interface Stage {
  /** Lower-cased, as Docker treats stage names case-insensitively. */
  name: string | undefined;
  base: string;
  instructions: Instruction[];
}

/** Splits a Dockerfile into instructions: comments dropped, `\` continuations joined. */
function parseInstructions(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  let pending = '';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith('#')) continue; // comments (and parser directives), also inside continuations
    if (line === '' && pending === '') continue;
    const continued = line.endsWith('\\');
    pending += (pending ? ' ' : '') + (continued ? line.slice(0, -1).trim() : line);
    if (continued) continue;
    const match = /^(\S+)\s*(.*)$/.exec(pending);
    if (match) instructions.push({ keyword: match[1]!.toUpperCase(), args: match[2]! });
    pending = '';
  }
  return instructions;
}

function parseStages(text: string): Stage[] {
  const stages: Stage[] = [];
  for (const ins of parseInstructions(text)) {
    if (ins.keyword === 'FROM') {
      const words = ins.args.split(/\s+/).filter((w) => !w.startsWith('--'));
      const asIndex = words.findIndex((w) => w.toUpperCase() === 'AS');
      stages.push({
        base: words[0]!,
        name: asIndex >= 0 ? words[asIndex + 1]?.toLowerCase() : undefined,
        instructions: [],
      });
    } else if (stages.length > 0) {
      stages[stages.length - 1]!.instructions.push(ins);
    }
  }
  return stages;
}

const dockerfileText = fs.readFileSync(DOCKERFILE, 'utf8');
const stages = parseStages(dockerfileText);

function stage(name: string): Stage {
  const found = stages.find((s) => s.name === name.toLowerCase());
  if (!found) throw new Error(`Dockerfile has no stage named ${name}`);
  return found;
}

/** The stage and the stages it is built FROM, nearest first. */
function lineage(name: string): Stage[] {
  const chain: Stage[] = [];
  let current: Stage | undefined = stage(name);
  while (current && !chain.includes(current)) {
    chain.push(current);
    const base = current.base.toLowerCase();
    current = stages.find((s) => s.name === base);
  }
  return chain;
}

/** The last value of an instruction in the stage, inherited from parent stages when absent. */
function effective(name: string, keyword: string): string | undefined {
  for (const s of lineage(name)) {
    const found = s.instructions.filter((i) => i.keyword === keyword);
    if (found.length > 0) return found[found.length - 1]!.args;
  }
  return undefined;
}

/** ENV variables a stage sees, its own overriding inherited ones (`ENV K=V K2=V2` and `ENV K V`). */
function stageEnv(name: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const s of lineage(name).reverse()) {
    for (const ins of s.instructions.filter((i) => i.keyword === 'ENV')) {
      if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(ins.args)) {
        for (const m of ins.args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S*)/g)) {
          env[m[1]!] = m[2]!.replace(/^"(.*)"$/, '$1');
        }
      } else {
        const [key, ...rest] = ins.args.split(/\s+/);
        env[key!] = rest.join(' ');
      }
    }
  }
  return env;
}

function exposedPorts(name: string): number[] {
  return lineage(name).flatMap((s) =>
    s.instructions
      .filter((i) => i.keyword === 'EXPOSE')
      .flatMap((i) => i.args.split(/\s+/).map((p) => parseInt(p, 10))),
  );
}

/** CMD in exec (JSON) form; shell form would put a shell, not node, at PID 1 and lose SIGTERM. */
function execForm(args: string | undefined): string[] | undefined {
  if (args === undefined || !args.trim().startsWith('[')) return undefined;
  return JSON.parse(args) as string[];
}

function isRoot(user: string | undefined): boolean {
  if (user === undefined) return true; // the base images' default user is root
  const [name] = user.trim().split(':');
  return name === 'root' || name === '0';
}

// ----------------------------------------------------------------------------------------------
// compose.yaml
// ----------------------------------------------------------------------------------------------

type Dict = Record<string, unknown>;

interface ComposeService {
  image?: string;
  build?: string | { context?: string; dockerfile?: string; target?: string };
  command?: string | string[];
  environment?: Dict | string[];
  ports?: (string | number | { target?: number | string; published?: number | string })[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string | string[]; disable?: boolean };
  restart?: string;
  profiles?: string[];
  volumes?: (string | { type?: string; source?: string; target?: string })[];
}

// merge: true so `<<: *anchor` is resolved as Docker Compose resolves it.
const compose = parse(fs.readFileSync(COMPOSE_FILE, 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
  volumes?: Dict | null;
};
const services = compose.services ?? {};
const serviceNames = Object.keys(services);

const rootPackage = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { workspaces: string[] };
const workspaces = rootPackage.workspaces;
/** Subgraph names from the workspaces, so a new subgraph that is not wired up fails these tests. */
const subgraphs = workspaces.filter((w) => w.startsWith('subgraphs/')).map((w) => path.basename(w));
const nodeServices = [...subgraphs, 'gateway'];

function env(service: string): Record<string, string> {
  const raw = services[service]?.environment ?? {};
  if (Array.isArray(raw)) {
    return Object.fromEntries(
      raw.map((entry) => {
        const i = entry.indexOf('=');
        return i < 0 ? [entry, ''] : [entry.slice(0, i), entry.slice(i + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, v === null ? '' : String(v)]));
}

function buildOf(service: string): { context: string; dockerfile: string; target: string | undefined } | undefined {
  const build = services[service]?.build;
  if (build === undefined) return undefined;
  if (typeof build === 'string') return { context: build, dockerfile: 'Dockerfile', target: undefined };
  return { context: build.context ?? '.', dockerfile: build.dockerfile ?? 'Dockerfile', target: build.target };
}

function dependencies(service: string): Record<string, string | undefined> {
  const deps = services[service]?.depends_on ?? {};
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((d) => [d, undefined]));
  return Object.fromEntries(Object.entries(deps).map(([d, v]) => [d, v?.condition]));
}

function hasHealthcheck(service: string): boolean {
  const test = services[service]?.healthcheck?.test;
  if (services[service]?.healthcheck?.disable === true || test === undefined) return false;
  const words = typeof test === 'string' ? [test] : test;
  return words.length > 0 && words[0] !== 'NONE' && words.join(' ').trim() !== '';
}

function healthcheckText(service: string): string {
  const test = services[service]?.healthcheck?.test ?? [];
  return typeof test === 'string' ? test : test.join(' ');
}

function commandWords(command: string | string[] | undefined): string[] | undefined {
  if (command === undefined) return undefined;
  return typeof command === 'string' ? command.trim().split(/\s+/) : command;
}

/** `[ip:]published:target[/proto]`, a bare target, or the long syntax. */
function parsePort(port: string | number | { target?: number | string; published?: number | string }): {
  published: number | undefined;
  target: number;
} {
  if (typeof port === 'object') {
    return {
      published: port.published === undefined ? undefined : Number(port.published),
      target: Number(port.target),
    };
  }
  const parts = String(port).split('/')[0]!.split(':');
  const target = Number(parts[parts.length - 1]);
  const published = parts.length >= 2 ? Number(parts[parts.length - 2]) : undefined;
  return { published, target };
}

/** The port a Node service listens on, from its <NAME>_PORT variable in compose. */
function composePort(service: string): number {
  const value = env(service)[`${service.toUpperCase()}_PORT`];
  if (value === undefined) throw new Error(`${service} sets no ${service.toUpperCase()}_PORT`);
  return Number(value);
}

// ----------------------------------------------------------------------------------------------
// .dockerignore
// ----------------------------------------------------------------------------------------------

/** A .dockerignore pattern as a regular expression (Go filepath.Match plus `**`). */
function ignoreRegex(pattern: string): RegExp {
  const p = pattern.replace(/^\/+/, '').replace(/\/+$/, '');
  let re = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '*' && p[i + 1] === '*') {
      if (p[i + 2] === '/') {
        re += '(?:.*/)?';
        i += 2;
      } else {
        re += '.*';
        i += 1;
      }
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

const ignoreRules = fs.existsSync(DOCKERIGNORE)
  ? fs
      .readFileSync(DOCKERIGNORE, 'utf8')
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'))
      .map((l) => ({ negated: l.startsWith('!'), regex: ignoreRegex(l.replace(/^!/, '')) }))
  : [];

/** Whether the build context leaves out this path (it or a parent directory matches; last rule wins). */
function isIgnored(relative: string): boolean {
  const segments = path.posix.normalize(relative).replace(/\/+$/, '').split('/');
  const candidates = segments.map((_, i) => segments.slice(0, i + 1).join('/'));
  let ignored = false;
  for (const rule of ignoreRules) {
    if (candidates.some((c) => rule.regex.test(c))) ignored = !rule.negated;
  }
  return ignored;
}

// ----------------------------------------------------------------------------------------------
// Tests
// ----------------------------------------------------------------------------------------------

describe('docker/compose.yaml', () => {
  it('defines the databases, every subgraph, the gateway and the seeder', () => {
    expect(serviceNames).toEqual(expect.arrayContaining(['mysql', 'redis', ...nodeServices, 'seed']));
  });

  it('gives every service a health check, except one-shot jobs that say so', () => {
    for (const name of serviceNames) {
      const s = services[name]!;
      if (s.healthcheck?.disable === true) {
        // Only a job run on demand (a profile) that is never restarted may go without one.
        const onDemand = (s.profiles ?? []).length > 0;
        expect({ name, restart: s.restart, onDemand }).toEqual({ name, restart: 'no', onDemand: true });
      } else {
        expect({ name, healthcheck: hasHealthcheck(name) }).toEqual({ name, healthcheck: true });
      }
    }
  });

  it("probes each Node service's /readyz on the port it listens on", () => {
    for (const name of nodeServices) {
      const probed = /http:\/\/(?:127\.0\.0\.1|localhost):(\d+)\/readyz/.exec(healthcheckText(name));
      expect({ name, port: probed ? Number(probed[1]) : undefined }).toEqual({ name, port: composePort(name) });
    }
  });

  it('builds only targets that are stages of the Dockerfile', () => {
    const stageNames = stages.map((s) => s.name);
    const built = serviceNames.filter((n) => buildOf(n) !== undefined);
    expect(built).toEqual(expect.arrayContaining([...nodeServices, 'seed']));
    for (const name of built) {
      const target = buildOf(name)!.target;
      expect({ name, target }).toEqual({ name, target: expect.any(String) });
      expect({ name, target: stageNames.includes(target!.toLowerCase()) }).toEqual({ name, target: true });
    }
  });

  it('points every build context, Dockerfile and bind mount at a path that exists', () => {
    for (const name of serviceNames) {
      const build = buildOf(name);
      if (build) {
        const context = path.resolve(DOCKER_DIR, build.context);
        expect({ name, context: fs.existsSync(context) }).toEqual({ name, context: true });
        const dockerfile = path.resolve(context, build.dockerfile);
        expect({ name, dockerfile: fs.existsSync(dockerfile) }).toEqual({ name, dockerfile: true });
        // Every service builds the Dockerfile these tests read, so the checks below apply to it.
        expect({ name, dockerfile }).toEqual({ name, dockerfile: DOCKERFILE });
      }
      for (const volume of services[name]!.volumes ?? []) {
        const source = typeof volume === 'string' ? volume.split(':')[0]! : (volume.source ?? '');
        const bind = typeof volume === 'string' ? /^[./~]/.test(source) : volume.type === 'bind';
        if (bind) {
          expect({ name, source, exists: fs.existsSync(path.resolve(DOCKER_DIR, source)) }).toEqual({
            name,
            source,
            exists: true,
          });
        } else if (source !== '') {
          expect({ name, volume: source, declared: Object.keys(compose.volumes ?? {}).includes(source) }).toEqual({
            name,
            volume: source,
            declared: true,
          });
        }
      }
    }
  });

  it('depends only on existing services, and waits for them to be healthy', () => {
    for (const name of serviceNames) {
      for (const [dep, condition] of Object.entries(dependencies(name))) {
        expect({ name, dep, exists: serviceNames.includes(dep) }).toEqual({ name, dep, exists: true });
        expect({ name, dep, condition }).toEqual({ name, dep, condition: 'service_healthy' });
        expect({ name, dep, healthcheck: hasHealthcheck(dep) }).toEqual({ name, dep, healthcheck: true });
      }
    }
  });

  it('starts the subgraphs after MySQL, and the gateway after every subgraph and Redis', () => {
    for (const name of subgraphs) expect(Object.keys(dependencies(name))).toContain('mysql');
    expect(Object.keys(dependencies('gateway'))).toEqual(expect.arrayContaining([...subgraphs, 'redis']));
  });

  it("publishes only the gateway's port 4000 to the host", () => {
    const published = serviceNames.filter((n) => (services[n]!.ports ?? []).length > 0);
    expect(published).toEqual(['gateway']);
    expect(services.gateway!.ports!.map(parsePort)).toEqual([{ published: 4000, target: 4000 }]);
    expect(composePort('gateway')).toBe(4000);
  });

  it("points the gateway's subgraph URLs at existing services, on the ports they listen on and expose", () => {
    const gatewayEnv = env('gateway');
    for (const subgraph of subgraphs) {
      const value = gatewayEnv[`${subgraph.toUpperCase()}_URL`];
      expect({ subgraph, url: value }).toEqual({ subgraph, url: expect.any(String) });
      const url = new URL(value!);
      expect({ subgraph, host: url.hostname }).toEqual({ subgraph, host: subgraph });
      const host = url.hostname;
      expect({ subgraph, exists: serviceNames.includes(host) }).toEqual({ subgraph, exists: true });
      const port = Number(url.port);
      expect({ subgraph, port }).toEqual({ subgraph, port: composePort(host) });
      expect({ subgraph, exposed: exposedPorts(buildOf(host)!.target!) }).toEqual({
        subgraph,
        exposed: expect.arrayContaining([port]),
      });
      expect(url.pathname).toBe('/graphql');
    }
  });

  it('points every service URL in the environment (MySQL, Redis, subgraphs) at an existing service', () => {
    for (const name of serviceNames) {
      for (const [key, value] of Object.entries(env(name))) {
        if (!/_URL$/.test(key)) continue;
        // Wholly supplied by the operator (the identity provider's JWKS): an outside service.
        if (/^\$\{[^}]*\}$/.test(value)) continue;
        const host = new URL(value.replace(/\$\{[^}]*\}/g, 'x')).hostname;
        expect({ name, key, host, exists: serviceNames.includes(host) }).toEqual({ name, key, host, exists: true });
      }
    }
  });

  it('binds the Node services to all interfaces, in production mode', () => {
    for (const name of nodeServices) {
      const merged = { ...stageEnv(buildOf(name)!.target!), ...env(name) };
      expect({ name, HOST: merged.HOST, NODE_ENV: merged.NODE_ENV }).toEqual({
        name,
        HOST: '0.0.0.0',
        NODE_ENV: 'production',
      });
    }
  });

  it('writes no password, key or token in plain text: only required ${VARIABLE} references', () => {
    // `${X:-default}` would be a plain-text default secret, so only `${X}` and `${X:?message}` pass.
    const reference = /^\$\{[A-Za-z_][A-Za-z0-9_]*(?::?\?[^}]*)?\}$/;
    const checked: string[] = [];
    for (const name of serviceNames) {
      for (const [key, value] of Object.entries(env(name))) {
        if (/(PASSWORD|SECRET|TOKEN|_KEY)$/i.test(key)) {
          checked.push(`${name}.${key}`);
          expect({ name, key, value: reference.test(value) }).toEqual({ name, key, value: true });
        }
        const credentials = /^[a-z][a-z0-9+.-]*:\/\/[^/:@]*:([^@]*)@/i.exec(value);
        if (credentials) {
          checked.push(`${name}.${key}`);
          expect({ name, key, password: reference.test(credentials[1]!) }).toEqual({ name, key, password: true });
        }
      }
    }
    // The check must have seen the MySQL passwords, or it proves nothing.
    expect(checked).toEqual(expect.arrayContaining(['mysql.MYSQL_PASSWORD', 'mysql.MYSQL_ROOT_PASSWORD']));
    expect(checked.filter((c) => c.endsWith('.MYSQL_URL')).length).toBeGreaterThanOrEqual(subgraphs.length);
  });
});

describe('docker/Dockerfile', () => {
  it('has a build stage, a runtime stage and one stage per service', () => {
    expect(stages.map((s) => s.name)).toEqual(expect.arrayContaining(['build', 'runtime', ...nodeServices]));
  });

  it('builds each service stage FROM the runtime stage', () => {
    for (const name of nodeServices)
      expect({ name, base: stage(name).base.toLowerCase() }).toEqual({ name, base: 'runtime' });
  });

  it('runs the runtime and every service stage as a non-root user', () => {
    const ownUser = stage('runtime').instructions.filter((i) => i.keyword === 'USER');
    expect(ownUser.length).toBeGreaterThan(0);
    for (const name of ['runtime', ...nodeServices]) {
      const user = effective(name, 'USER');
      expect({ name, user, root: isRoot(user) }).toEqual({ name, user, root: false });
    }
  });

  it('sets NODE_ENV=production and HOST=0.0.0.0 in the runtime stage', () => {
    expect(stageEnv('runtime')).toEqual(expect.objectContaining({ NODE_ENV: 'production', HOST: '0.0.0.0' }));
  });

  it("gives every service stage a *_PORT, an EXPOSE and a HEALTHCHECK on that same port's /readyz", () => {
    for (const name of nodeServices) {
      const port = Number(stageEnv(name)[`${name.toUpperCase()}_PORT`]);
      expect({ name, exposed: exposedPorts(name) }).toEqual({ name, exposed: [port] });
      expect({ name, port }).toEqual({ name, port: composePort(name) });
      const check = effective(name, 'HEALTHCHECK') ?? '';
      expect({ name, probes: check.includes('/readyz') }).toEqual({ name, probes: true });
      // The probe uses the *_PORT variable, falling back to the exposed port.
      const fallback = new RegExp(`process\\.env\\.${name.toUpperCase()}_PORT\\s*\\|\\|\\s*(\\d+)`).exec(check);
      expect({ name, port: fallback ? Number(fallback[1]) : undefined }).toEqual({ name, port });
    }
  });

  it('starts every entry point (Dockerfile CMD, compose command) from the build output of a source file', () => {
    const commands: { where: string; words: string[] }[] = [];
    for (const s of stages) {
      for (const ins of s.instructions.filter((i) => i.keyword === 'CMD')) {
        const words = execForm(ins.args);
        expect({ stage: s.name, execForm: words !== undefined }).toEqual({ stage: s.name, execForm: true });
        commands.push({ where: `stage ${s.name}`, words: words! });
      }
    }
    for (const name of serviceNames) {
      const words = commandWords(services[name]!.command);
      if (words) commands.push({ where: `service ${name}`, words });
    }
    const nodeCommands = commands.filter((c) => c.words[0] === 'node' && !c.words.includes('-e'));
    expect(nodeCommands.length).toBeGreaterThanOrEqual(nodeServices.length + 1); // the services and the seeder

    const runtimeCopies = stage('runtime')
      .instructions.filter((i) => i.keyword === 'COPY' && /--from=build\b/.test(i.args))
      .map((i) => i.args);
    for (const { where, words } of nodeCommands) {
      const script = words.slice(1).find((w) => !w.startsWith('-'))!;
      const match = /^(.+)\/dist\/(.+)\.js$/.exec(script);
      expect({ where, script, inDist: match !== null }).toEqual({ where, script, inDist: true });
      const [, workspace, file] = match!;
      const source = `${workspace}/src/${file}.ts`;
      expect({ where, source, exists: fs.existsSync(path.join(ROOT, source)) }).toEqual({
        where,
        source,
        exists: true,
      });
      expect({ where, workspace, isWorkspace: workspaces.includes(workspace!) }).toEqual({
        where,
        workspace,
        isWorkspace: true,
      });
      // The compiled output has to reach the runtime image.
      const copied = runtimeCopies.some((c) => c.includes(`/app/${workspace}/dist`));
      expect({ where, workspace, copiedToRuntime: copied }).toEqual({ where, workspace, copiedToRuntime: true });
    }
  });

  it('installs every package the compiled code loads at run time, although the runtime omits dev dependencies', () => {
    // The runtime stage runs `npm ci --omit=dev`: a value import of a package that the lockfile
    // marks dev-only (e.g. a test or seed helper) would crash the service, or the seeder, at start.
    const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { dev?: boolean } | undefined>;
    };
    const sourceFiles = (dir: string): string[] =>
      fs.existsSync(dir)
        ? fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
            const full = path.join(dir, e.name);
            if (e.isDirectory()) return sourceFiles(full);
            return /\.ts$/.test(e.name) && !/\.(test|spec|d)\.ts$/.test(e.name) ? [full] : [];
          })
        : [];
    const runtimeImport =
      /(?:^|\n)\s*(?:import|export)\s+(?!type\s)([^'";]*?)\s*from\s*'([^']+)'|(?:^|\n)\s*import\s*'([^']+)'|\b(?:import|require)\(\s*'([^']+)'\s*\)/g;
    const builtins = new Set(builtinModules);
    const problems: string[] = [];
    let checked = 0;
    for (const workspace of workspaces) {
      for (const file of sourceFiles(path.join(ROOT, workspace, 'src'))) {
        const text = fs.readFileSync(file, 'utf8');
        for (const m of text.matchAll(runtimeImport)) {
          const clause = m[1];
          // `import { type A, type B } from 'x'` is erased by the compiler like `import type`.
          if (clause !== undefined && /^\{[^}]*\}$/.test(clause.trim())) {
            const names = clause
              .trim()
              .slice(1, -1)
              .split(',')
              .map((n) => n.trim())
              .filter((n) => n !== '');
            if (names.length > 0 && names.every((n) => n.startsWith('type '))) continue;
          }
          const specifier = m[2] ?? m[3] ?? m[4]!;
          if (specifier.startsWith('.') || specifier.startsWith('node:') || builtins.has(specifier)) continue;
          const pkg = specifier
            .split('/')
            .slice(0, specifier.startsWith('@') ? 2 : 1)
            .join('/');
          checked++;
          const entry = lock.packages[`node_modules/${pkg}`];
          if (!entry || entry.dev === true) problems.push(`${path.relative(ROOT, file)} imports ${pkg}`);
        }
      }
    }
    expect(checked).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });

  it('installs with npm ci --ignore-scripts everywhere, and without dev dependencies at runtime', () => {
    const installs = stages.flatMap((s) =>
      s.instructions
        .filter((i) => i.keyword === 'RUN' && /\bnpm\s+(ci|install|i)\b/.test(i.args))
        .map((i) => ({ stage: s.name, args: i.args })),
    );
    expect(installs.map((i) => i.stage)).toEqual(expect.arrayContaining(['runtime']));
    for (const { stage: name, args } of installs) {
      expect({ name, ci: /\bnpm\s+ci\b/.test(args), ignoreScripts: args.includes('--ignore-scripts') }).toEqual({
        name,
        ci: true,
        ignoreScripts: true,
      });
    }
    const runtimeInstall = installs.filter((i) => i.stage === 'runtime');
    for (const { args } of runtimeInstall) expect(args).toMatch(/--omit[= ]dev\b/);
    expect(
      lineage('build').some((s) => s.instructions.some((i) => i.keyword === 'RUN' && /npm run build/.test(i.args))),
    ).toBe(true);
  });

  it("copies every workspace's package.json before installing, and the runtime schema files", () => {
    for (const name of ['build', 'runtime']) {
      const chain = lineage(name).reverse();
      const instructions = chain.flatMap((s) => s.instructions);
      const install = instructions.findIndex((i) => i.keyword === 'RUN' && /\bnpm\s+ci\b/.test(i.args));
      expect({ name, install }).not.toEqual({ name, install: -1 });
      const copiedBefore = instructions
        .slice(0, install)
        .filter((i) => i.keyword === 'COPY')
        .map((i) => i.args);
      for (const file of ['package.json', 'package-lock.json', ...workspaces.map((w) => `${w}/package.json`)]) {
        const copied = copiedBefore.some((c) => c.split(/\s+/).slice(0, -1).includes(file));
        expect({ name, file, copied }).toEqual({ name, file, copied: true });
      }
    }
    const runtimeCopies = stage('runtime')
      .instructions.filter((i) => i.keyword === 'COPY')
      .map((i) => i.args);
    for (const file of [...subgraphs.map((s) => `subgraphs/${s}/schema.graphql`), 'gateway/supergraph.graphql']) {
      expect({ file, copied: runtimeCopies.some((c) => c.split(/\s+/).includes(file)) }).toEqual({
        file,
        copied: true,
      });
    }
  });

  it('copies from the build context only files that exist and that .dockerignore lets through', () => {
    const sources: string[] = [];
    for (const s of stages) {
      for (const ins of s.instructions.filter((i) => i.keyword === 'COPY' || i.keyword === 'ADD')) {
        if (/--from=/.test(ins.args)) continue;
        const words = ins.args.split(/\s+/).filter((w) => !w.startsWith('--'));
        sources.push(...words.slice(0, -1));
      }
    }
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) {
      expect({ source, exists: fs.existsSync(path.join(ROOT, source)) }).toEqual({ source, exists: true });
      expect({ source, ignored: isIgnored(source) }).toEqual({ source, ignored: false });
    }
  });
});

describe('.dockerignore', () => {
  it('keeps secrets, local data, host node_modules and build output out of the build context', () => {
    for (const file of [
      '.env',
      'gateway/.env',
      'data/ehr_patient.sqlite',
      'node_modules/typescript/package.json',
      'gateway/node_modules/x/index.js',
      'subgraphs/patient/dist/index.js',
      '.git/config',
    ]) {
      expect({ file, ignored: isIgnored(file) }).toEqual({ file, ignored: true });
    }
  });
});
