// Type-checks Kubernetes manifests offline: every YAML document is parsed as YAML 1.1 (so `yes`, `on`,
// `y` become booleans, as they would for the API server's YAML decoder) and compiled by TypeScript as
// an object literal of the kubernetes-types interface its apiVersion and kind name. A misspelled field,
// a wrong type or an unknown kind fails.
//
// Usage: node check.mjs FILE.yaml...   (exit 0: all well-typed; 1: errors, listed; 2: usage)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import YAML from 'yaml';

const here = path.dirname(fileURLToPath(import.meta.url));

// Kinds that are configuration files of Kubernetes components, not API objects: kubernetes-types has
// no interface for them. They are listed, never silently passed.
const configKinds = new Set([
  'kubelet.config.k8s.io/v1beta1 KubeletConfiguration',
  'kubeproxy.config.k8s.io/v1alpha1 KubeProxyConfiguration',
  'apiserver.config.k8s.io/v1 EncryptionConfiguration',
  'audit.k8s.io/v1 Policy',
  'v1 Config',
]);

// apiVersion → module of kubernetes-types.
function moduleFor(apiVersion) {
  if (apiVersion === 'v1') return 'kubernetes-types/core/v1';
  const [group, version] = apiVersion.split('/');
  if (!version) return null;
  let short = group.replace(/\.k8s\.io$/, '');
  if (short === 'rbac.authorization') short = 'rbac';
  return `kubernetes-types/${short}/${version}`;
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node check.mjs FILE.yaml...');
  process.exit(2);
}

const sources = new Map();
const origins = [];
let failures = 0;
let checked = 0;
const skipped = [];

for (const file of files) {
  const text = fs.readFileSync(file, 'utf8');
  const docs = YAML.parseAllDocuments(text, { version: '1.1', uniqueKeys: true, prettyErrors: true });
  docs.forEach((doc, index) => {
    const where = `${file}#${index + 1}`;
    if (doc.errors.length > 0) {
      for (const e of doc.errors) console.error(`${where}: YAML: ${e.message}`);
      failures++;
      return;
    }
    const obj = doc.toJS({ maxAliasCount: 0 });
    if (obj === null || obj === undefined) return;
    if (typeof obj !== 'object' || typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string') {
      console.error(`${where}: not a Kubernetes object (no apiVersion and kind)`);
      failures++;
      return;
    }
    const id = `${obj.apiVersion} ${obj.kind}`;
    if (configKinds.has(id)) {
      skipped.push(`${where} ${id}`);
      return;
    }
    const mod = moduleFor(obj.apiVersion);
    const modDir = mod && path.join(here, 'node_modules', mod + '.d.ts');
    if (!mod || !fs.existsSync(modDir)) {
      console.error(`${where}: unknown apiVersion ${obj.apiVersion}`);
      failures++;
      return;
    }
    const name = path.join(here, `__manifest_${origins.length}.ts`);
    const body =
      `import type { ${obj.kind} } from '${mod}';\n` +
      `export const object: ${obj.kind} = ${JSON.stringify(obj, null, 2)};\n`;
    sources.set(name, body);
    origins.push({ name, where, id });
  });
}

if (sources.size > 0) {
  const options = {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    types: [],
    skipLibCheck: true,
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.fileExists = (f) => sources.has(f) || ts.sys.fileExists(f);
  host.readFile = (f) => sources.get(f) ?? readFile(f);
  host.getSourceFile = (f, lang, onError) =>
    sources.has(f) ? ts.createSourceFile(f, sources.get(f), lang) : getSourceFile(f, lang, onError);
  const program = ts.createProgram([...sources.keys()], options, host);
  const diagnostics = ts.getPreEmitDiagnostics(program);
  const byFile = new Map();
  for (const d of diagnostics) {
    const key = d.file ? d.file.fileName : '';
    if (!byFile.has(key)) byFile.set(key, []);
    byFile.get(key).push(d);
  }
  for (const origin of origins) {
    const found = byFile.get(origin.name) ?? [];
    checked++;
    if (found.length === 0) continue;
    failures++;
    for (const d of found) {
      let at = '';
      if (d.file && d.start !== undefined) {
        const { line } = d.file.getLineAndCharacterOfPosition(d.start);
        at = ` (near: ${d.file.text.split('\n')[line].trim()})`;
      }
      console.error(`${origin.where} ${origin.id}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}${at}`);
    }
  }
  for (const [file, list] of byFile) {
    if (!sources.has(file)) {
      for (const d of list) console.error(`${file}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
      failures++;
    }
  }
}

for (const s of skipped) console.log(`not an API object, not type-checked: ${s}`);
console.log(`type-checked ${checked} objects, ${failures} failing`);
process.exit(failures === 0 ? 0 : 1);
