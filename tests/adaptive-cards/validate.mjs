// Validates Adaptive Card JSON files with Microsoft's own JavaScript SDK (npm `adaptivecards`),
// as an independent check of what Cadence's Teams renderer produces.
//
//   node tests/adaptive-cards/validate.mjs <file.json | directory>...
//
// Every card is parsed at schema 1.5 (what Teams renders) and then validated. Reported, and
// counted as failures:
//   - parse events (an unknown element or action type, a property newer than 1.5, …);
//   - validation events from `card.validateProperties()` (duplicate ids, an empty ChoiceSet,
//     too many actions for the default host config, a required input without a label, …);
//   - serialisation events from `card.toJSON()`;
//   - properties the SDK does not know, which it would otherwise drop without a word (a typo such
//     as `wrapp` or `isMultiLine` passes the SDK's own checks and silently does nothing).
// Exit status: 0 when every card is clean, 1 when any card has a problem, 2 on bad usage or a
// file that cannot be read or is not JSON.
//
// The SDK needs no DOM to parse and validate: its UMD bundle (`dist/adaptivecards.js`) loads in
// plain Node. The package's `lib/` ES modules do not (their imports omit file extensions), so
// the bundle is loaded through `require`.

import { readFileSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const require = createRequire(import.meta.url);
const AC = require("adaptivecards/dist/adaptivecards.js");

/** The schema version Teams renders (platforms.md, "Adaptive Cards"). */
const TARGET = AC.Versions.v1_5;

/**
 * Keys the SDK parses by hand rather than through an element's property schema, plus the one
 * host extension Cadence uses: `msteams` on the card (`{"width": "Full"}`), which Teams reads and
 * other hosts ignore.
 */
const PARSED_OUTSIDE_SCHEMA = {
  AdaptiveCard: new Set(["body", "actions", "msteams"]),
  Container: new Set(["items"]),
  ActionSet: new Set(["actions"]),
  ColumnSet: new Set(["columns"]),
  Column: new Set(["items"]),
};

/** Properties seen by the parser that no schema knows, collected per parse. */
let unknownProperties = [];

// Every parsed object goes through SerializableObject.internalParse (subclasses call `super`),
// so one wrapper sees each element's source JSON next to the schema it was read with.
const internalParse = AC.SerializableObject.prototype.internalParse;
AC.SerializableObject.prototype.internalParse = function (source, context) {
  internalParse.call(this, source, context);
  if (!source || typeof source !== "object" || Array.isArray(source)) {
    return;
  }
  const schema = this.getSchema();
  const known = new Set();
  for (let i = 0; i < schema.getCount(); i++) {
    known.add(schema.getItemAt(i).name);
  }
  const typeName = typeof this.getJsonTypeName === "function" ? this.getJsonTypeName() : undefined;
  const extra = PARSED_OUTSIDE_SCHEMA[typeName] ?? new Set();
  for (const key of Object.keys(source)) {
    if (!known.has(key) && !extra.has(key)) {
      unknownProperties.push(
        `${typeName ?? this.constructor.name}${source.id ? ` "${source.id}"` : ""}: unknown property "${key}" (the SDK drops it)`,
      );
    }
  }
};

/**
 * The one Teams extension of an element Cadence uses: a capability picker's dynamic typeahead
 * search, `"choices.data": {"type": "Data.Query", "dataset": …}` on an `Input.ChoiceSet`, which
 * Teams documents as its own addition to the ChoiceSet schema (Microsoft Teams platform docs,
 * "Typeahead search in Adaptive Cards") while the SDK knows it only from schema 1.6. Only that
 * exact shape is let through, and only next to static choices (clients without it show those).
 */
function isTeamsTypeahead(event) {
  const source = event.source;
  if (AC.ValidationEvent[event.event] !== "UnsupportedProperty" || !source) {
    return false;
  }
  if (typeof source.getJsonTypeName !== "function" || source.getJsonTypeName() !== "Input.ChoiceSet") {
    return false;
  }
  if (!String(event.message).includes('"choices.data"')) {
    return false;
  }
  const data = currentChoiceSets.get(source.id);
  return data?.type === "Data.Query" && typeof data.dataset === "string" && source.choices.length > 0;
}

/** Each ChoiceSet's `choices.data` in the card being checked, by input id. */
let currentChoiceSets = new Map();

function collectChoiceSets(element) {
  if (Array.isArray(element)) {
    element.forEach(collectChoiceSets);
  } else if (element && typeof element === "object") {
    if (element.type === "Input.ChoiceSet" && element["choices.data"]) {
      currentChoiceSets.set(element.id, element["choices.data"]);
    }
    Object.values(element).forEach(collectChoiceSets);
  }
}

function describe(event) {
  const phase = AC.ValidationPhase[event.phase] ?? event.phase;
  const kind = AC.ValidationEvent[event.event] ?? event.event;
  const source = event.source;
  let where = "";
  if (source && typeof source.getJsonTypeName === "function") {
    where = ` [${source.getJsonTypeName()}${source.id ? ` "${source.id}"` : ""}]`;
  }
  return `${phase}/${kind}${where}: ${event.message}`;
}

/** Every problem the SDK reports for one card (an empty list when it is clean). */
function problemsOf(json) {
  const problems = [];
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    return ["not a JSON object"];
  }
  if (json.type !== "AdaptiveCard") {
    problems.push(`type is ${JSON.stringify(json.type)}, not "AdaptiveCard"`);
  }
  if (json.version !== TARGET.toString()) {
    problems.push(`version is ${JSON.stringify(json.version)}, expected "${TARGET.toString()}"`);
  }

  unknownProperties = [];
  currentChoiceSets = new Map();
  collectChoiceSets(json);
  const parseContext = new AC.SerializationContext(TARGET);
  const card = new AC.AdaptiveCard();
  card.parse(json, parseContext);
  for (let i = 0; i < parseContext.eventCount; i++) {
    const event = parseContext.getEventAt(i);
    if (!isTeamsTypeahead(event)) {
      problems.push(describe(event));
    }
  }
  problems.push(...unknownProperties);

  const validation = card.validateProperties();
  for (const event of validation.validationEvents) {
    problems.push(describe(event));
  }

  const serialiseContext = new AC.SerializationContext(TARGET);
  card.toJSON(serialiseContext);
  for (let i = 0; i < serialiseContext.eventCount; i++) {
    problems.push(describe(serialiseContext.getEventAt(i)));
  }
  return problems;
}

function cardFiles(paths) {
  const files = [];
  for (const path of paths) {
    if (statSync(path).isDirectory()) {
      const entries = readdirSync(path).sort();
      files.push(...cardFiles(entries.filter((e) => e.endsWith(".json")).map((e) => join(path, e))));
    } else {
      files.push(path);
    }
  }
  return files;
}

function main(argv) {
  if (argv.length === 0) {
    console.error("usage: node validate.mjs <card.json | directory>...");
    return 2;
  }
  let files;
  try {
    files = cardFiles(argv);
  } catch (error) {
    console.error(`cannot read ${error.path ?? "input"}: ${error.message}`);
    return 2;
  }
  if (files.length === 0) {
    console.error("no .json card files found");
    return 2;
  }
  let failed = 0;
  for (const file of files) {
    let json;
    try {
      json = JSON.parse(readFileSync(file, "utf8"));
    } catch (error) {
      console.error(`${file}: cannot read as JSON: ${error.message}`);
      return 2;
    }
    const problems = problemsOf(json);
    if (problems.length === 0) {
      console.log(`ok   ${file}`);
    } else {
      failed += 1;
      console.log(`FAIL ${file}`);
      for (const problem of problems) {
        console.log(`     - ${problem}`);
      }
    }
  }
  const sdk = require("adaptivecards/package.json").version;
  console.log(`${files.length - failed} of ${files.length} cards clean (adaptivecards ${sdk}, schema ${TARGET.toString()})`);
  return failed === 0 ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
