#!/usr/bin/env node
// Checks HTML files against caniemail's support data (doiuse-email) for
// every mail client it knows, as tests/mail_html.rs runs it:
//
//   node ci/node/check-email.cjs FILE...
//
// Prints one JSON object per file: the features a client does not support
// ("errors") and those it supports only partly ("warnings"), each listed
// once. Exits 1 when any file has an error, 2 on a usage or read error.
'use strict';
const fs = require('fs');
const { doIUseEmail } = require('@jsx-email/doiuse-email');

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node ci/node/check-email.cjs FILE...');
  process.exit(2);
}
let failed = false;
for (const file of files) {
  let html;
  try {
    html = fs.readFileSync(file, 'utf8');
  } catch (e) {
    console.error(`check-email: cannot read ${file}: ${e.message}`);
    process.exit(2);
  }
  const result = doIUseEmail(html, { emailClients: ['*'] });
  const once = (list) => [...new Set(list || [])];
  const errors = once(result.errors);
  failed ||= errors.length > 0;
  console.log(JSON.stringify({ file, errors, warnings: once(result.warnings) }));
}
process.exit(failed ? 1 : 0);
