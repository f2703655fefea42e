// Checks the syntax of Bicep files offline, with the tree-sitter Bicep grammar
// pinned in mcpfunc/internal/nodetool/testtools/package.json (no Bicep
// compiler is needed).
//
//   node mcpfunc/internal/deploycheck/bicepsyntax.mjs FILE.bicep...
//
// Prints one line per syntax error, "file:line:col: message", and exits 1 if
// there is any; exits 2 when the parser itself is unavailable (run npm ci).
//
// The grammar predates two Bicep features, so:
//   - `extension` (and the older `provider`) lines are blanked before parsing,
//     keeping every position in place;
//   - the spread operator `...` is reported as an error: write union() instead.
import fs from 'node:fs';
import { createRequire } from 'node:module';

// Exact versions: a different grammar could accept or reject other syntax.
const pinned = { 'tree-sitter': '0.22.4', 'tree-sitter-bicep': '1.1.0' };

// Resolve the packages from the repository's node_modules, wherever node runs.
const require = createRequire(new URL('../../../package.json', import.meta.url));

function load() {
  for (const [name, version] of Object.entries(pinned)) {
    let pkg;
    try {
      pkg = require(`${name}/package.json`);
    } catch {
      throw new Error(`${name} is not installed: run "npm ci" (make test does)`);
    }
    if (pkg.version !== version) {
      throw new Error(`${name} ${pkg.version} is installed, ${version} is pinned: run "npm ci"`);
    }
  }
  const Parser = require('tree-sitter');
  const parser = new Parser();
  parser.setLanguage(require('tree-sitter-bicep'));
  return parser;
}

export function mask(source) {
  return source.replace(/^[ \t]*(extension|provider)\b[^\n]*/gm, (line) => ' '.repeat(line.length));
}

// errors walks only into subtrees that contain an error.
function errors(node, found = []) {
  if (node.isError || node.isMissing) {
    found.push(node);
  } else if (node.hasError) {
    for (const child of node.children) errors(child, found);
  }
  return found;
}

function describe(node, source) {
  if (node.isMissing) return `missing ${node.type}`;
  const text = source.slice(node.startIndex, node.endIndex).split('\n')[0].trim();
  const near = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  const hint = text.startsWith('...') ? ' (spread is not supported here: use union())' : '';
  return `syntax error near "${near}"${hint}`;
}

let parser;
try {
  parser = load();
} catch (err) {
  console.error(`bicepsyntax: ${err.message}`);
  process.exit(2);
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node bicepsyntax.mjs FILE.bicep...');
  process.exit(2);
}
let failed = false;
for (const file of files) {
  const source = mask(fs.readFileSync(file, 'utf8'));
  for (const node of errors(parser.parse(source).rootNode)) {
    const { row, column } = node.startPosition;
    console.log(`${file}:${row + 1}:${column + 1}: ${describe(node, source)}`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
