// Prints graphql-codegen's outputs for codegen.yml as JSON without writing them. A separate
// process because @graphql-codegen/cli loads ES modules that jest's CommonJS runtime cannot.
const fs = require('node:fs');
const path = require('node:path');
const YAML = require('yaml');
const { generate } = require('@graphql-codegen/cli');

const root = path.resolve(__dirname, '..', '..');
const config = YAML.parse(fs.readFileSync(path.join(root, 'codegen.yml'), 'utf8'));
generate({ ...config, cwd: root, silent: true }, false).then(
  (outputs) => process.stdout.write(JSON.stringify(outputs.map((o) => ({ filename: o.filename, content: o.content })))),
  (err) => {
    process.stderr.write(`codegen failed: ${err.message}\n`);
    process.exit(1);
  },
);
